/* govinfo-wagtail public pages: large-text toggle, the exit prompt dialog, scroll hints.
   Both work without this script: the toggle is a link that sets a cookie, and external links
   point to the leave page (/govinfo/leave/?url=…&sig=…). */
(function () {
  "use strict";
  var STORE = "govinfo-text-size";
  var COOKIE = "govinfo_text";
  var root = document.documentElement;

  function store(size) {
    try { window.localStorage.setItem(STORE, size); } catch (e) { /* private mode */ }
    // Keep the cookie in step so that pages rendered by the server match at once.
    var secure = window.location.protocol === "https:" ? "; Secure" : "";
    if (size === "large") {
      document.cookie = COOKIE + "=large; path=/; max-age=31536000; SameSite=Lax" + secure;
    } else {
      document.cookie = COOKIE + "=; path=/; max-age=0; SameSite=Lax" + secure;
    }
  }

  function setupTextToggle() {
    var toggle = document.querySelector(".govinfo-text-toggle");
    if (!toggle) return;
    function render() {
      var large = root.classList.contains("govinfo-large-text");
      // A toggle button keeps one label; its state is aria-pressed.
      toggle.setAttribute("aria-pressed", large ? "true" : "false");
      toggle.classList.toggle("govinfo-text-toggle--on", large);
      toggle.textContent = toggle.dataset.labelToggle;
      if (large && toggle.dataset.labelOn) {
        // Visible state for sighted users; assistive technology hears aria-pressed (the
        // name stays "Large text", as a toggle button's should).
        var state = document.createElement("span");
        state.className = "govinfo-text-toggle__state";
        state.setAttribute("aria-hidden", "true");
        state.textContent = toggle.dataset.labelOn;
        toggle.appendChild(state);
      }
    }
    toggle.setAttribute("role", "button");
    render();
    // A mode chosen earlier in this browser: keep the cookie in step with it.
    try {
      if (window.localStorage.getItem(STORE)) {
        store(root.classList.contains("govinfo-large-text") ? "large" : "normal");
      }
    } catch (e) { /* storage blocked */ }
    function activate(event) {
      event.preventDefault();
      var large = !root.classList.contains("govinfo-large-text");
      root.classList.toggle("govinfo-large-text", large);
      store(large ? "large" : "normal");
      render();
    }
    toggle.addEventListener("click", activate);
    // role=button: Space activates it too, as it does a real button.
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") activate(event);
    });
  }

  function exitTarget(link) {
    var target = link.getAttribute("data-govinfo-exit");
    var leave = document.body.getAttribute("data-govinfo-leave");
    if (!target && leave && link.origin === window.location.origin && link.pathname === leave) {
      target = new URLSearchParams(link.search).get("url");
    }
    if (!target) return null;
    try {
      var url = new URL(target, window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function setupExitDialog() {
    var dialog = document.getElementById("govinfo-exit-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return; // the leave page instead
    var targetText = dialog.querySelector("[data-govinfo-exit-target]");
    var continueButton = dialog.querySelector("[data-govinfo-exit-continue]");
    var cancelButton = dialog.querySelector("[data-govinfo-exit-cancel]");
    var pending = null;
    var opener = null;

    function close() {
      pending = null;
      if (dialog.open) dialog.close();
    }

    document.addEventListener("click", function (event) {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      var link = event.target.closest ? event.target.closest("a[href]") : null;
      if (!link) return;
      var target = exitTarget(link);
      if (!target) return;
      event.preventDefault();
      pending = { url: target, newWindow: link.target === "_blank" };
      opener = link;
      targetText.textContent = target;
      dialog.showModal();
      continueButton.focus();
    });

    continueButton.addEventListener("click", function () {
      var go = pending;
      close();
      if (!go) return;
      if (go.newWindow) window.open(go.url, "_blank", "noopener,noreferrer");
      else window.location.assign(go.url);
    });
    cancelButton.addEventListener("click", close);
    // Esc closes a modal <dialog> by itself ("cancel"); trap Tab between the two buttons.
    dialog.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      var first = continueButton, last = cancelButton;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault(); last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault(); first.focus();
      }
    });
    dialog.addEventListener("close", function () {
      // The close event is queued: it may arrive after the dialog was opened again for
      // another link, and must not forget that link's target then.
      if (dialog.open) return;
      pending = null;
      if (opener) { opener.focus(); opener = null; }
    });
  }

  /* Wide tables (report tables, tables in rich text) scroll sideways inside their box on a
     phone: say so above the table while part of it is hidden, and mark the edge that has
     more. Without JavaScript the box still scrolls (and CSS shades the hidden edge). */
  function setupScrollHints() {
    var boxes = document.querySelectorAll(".govinfo-table-wrap, .govinfo-body table");
    if (!boxes.length) return;
    var hintText = document.body.getAttribute("data-govinfo-scroll-hint") || "";
    function update(box) {
      var overflow = box.scrollWidth - box.clientWidth > 2;
      box.classList.toggle("govinfo-scrollable", overflow);
      box.classList.toggle("govinfo-scroll-start", overflow && box.scrollLeft > 2);
      box.classList.toggle("govinfo-scroll-end",
        overflow && box.scrollLeft + box.clientWidth < box.scrollWidth - 2);
      var hint = box.govinfoHint;
      if (overflow && !hint && hintText) {
        hint = document.createElement("p");
        hint.className = "govinfo-scroll-hint";
        hint.textContent = hintText;
        box.parentNode.insertBefore(hint, box);  // above: seen before the cut-off edge
        box.govinfoHint = hint;
      }
      if (hint) hint.hidden = !overflow;
    }
    Array.prototype.forEach.call(boxes, function (box) {
      update(box);
      box.addEventListener("scroll", function () { update(box); }, { passive: true });
    });
    var pending = null;
    window.addEventListener("resize", function () {
      if (pending) window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(function () {
        Array.prototype.forEach.call(boxes, update);
      });
    });
  }

  // Print buttons ([data-govinfo-print]): no inline handler, so the page works under a
  // Content-Security-Policy without 'unsafe-inline'.
  function setupPrintButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-govinfo-print]"),
      function (button) {
        button.addEventListener("click", function () { window.print(); });
      });
  }

  setupTextToggle();
  setupExitDialog();
  setupScrollHints();
  setupPrintButtons();
})();
