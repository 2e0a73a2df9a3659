// 企通: small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // bulk dispatch: tick every row at once
  const all = document.getElementById("check-all");
  if (all) {
    all.addEventListener("change", () => {
      document.querySelectorAll("input.qt-pick").forEach((box) => { box.checked = all.checked; });
    });
  }
  // a suggested category (htmx puts the buttons in after load): choose it in the form's select;
  // delegated, and no inline handler, which the pages' CSP (script-src 'self') would block
  document.addEventListener("click", (e) => {
    const pick = e.target instanceof Element ? e.target.closest(".qt-pick-category") : null;
    const select = document.getElementById("category");
    if (pick && select) {
      select.value = pick.dataset.value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  // after a 422 the tab of the action that failed is already active; bring it into view
  const failed = document.querySelector(".qt-action-form .alert-danger");
  if (failed) { failed.scrollIntoView({ block: "center" }); }
});
