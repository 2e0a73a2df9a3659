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
  // 12345 import: the browser remembers the mapping of the last import that went through, and offers
  // it again instead of the default (a page re-shown after an error keeps what was typed)
  const mapping = document.getElementById("mapping-json");
  if (mapping) {
    const KEY = "qitong.mapping_json";
    const saved = window.localStorage.getItem(KEY);
    if (document.getElementById("import-report")) {  // the import just ran: this mapping worked
      window.localStorage.setItem(KEY, mapping.value);
    } else if (saved && mapping.value === mapping.dataset.default) {
      mapping.value = saved;
    }
  }
  // after a 422 the tab of the action that failed is already active; bring it into view
  const failed = document.querySelector(".qt-action-form .alert-danger");
  if (failed) { failed.scrollIntoView({ block: "center" }); }
});
