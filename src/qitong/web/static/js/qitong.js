// 企通: small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // bulk dispatch: tick every row at once
  const all = document.getElementById("check-all");
  if (all) {
    all.addEventListener("change", () => {
      document.querySelectorAll("input.qt-pick").forEach((box) => { box.checked = all.checked; });
    });
  }
  // after a 422 the tab of the action that failed is already active; bring it into view
  const failed = document.querySelector(".qt-action-form .alert-danger");
  if (failed) { failed.scrollIntoView({ block: "center" }); }
});
