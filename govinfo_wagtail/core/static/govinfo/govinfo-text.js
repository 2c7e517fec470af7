/* govinfo-wagtail: apply the stored large-text mode (适老化) before the page is painted. */
(function () {
  try {
    var stored = window.localStorage.getItem("govinfo-text-size");
    if (stored === "large") document.documentElement.classList.add("govinfo-large-text");
    else if (stored === "normal") document.documentElement.classList.remove("govinfo-large-text");
  } catch (e) { /* storage blocked: the cookie set by the no-JS switch still works */ }
})();
