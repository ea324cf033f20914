/* zhibu — the little JavaScript the pages need. No build, no inline scripts (CSP: script-src 'self').
   1. register the service worker (offline page only; see core/sw.js)
   2. the sidebar drawer below 960px: [data-toggle="sidebar"] opens/closes, Escape and the overlay close
   3. [data-confirm="…"] on a form, a submit button, a link or an htmx button asks once before acting
   4. tree: .tree-toggle opens/closes its node's children (.tree-slot or ul.tree) and keeps aria-expanded
      true/false; children fetched once by htmx (hx-get on the toggle) are shown again without a request
   5. [data-toggle="collapse"][aria-controls] shows/hides the element it controls */
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
        /* no offline page, the site works as before */
      });
    });
  }

  var body = document.body;
  var wide = window.matchMedia("(min-width: 960px)");

  function sidebarToggles() {
    return document.querySelectorAll('[data-toggle="sidebar"]');
  }

  function setSidebar(open, returnFocus) {
    body.classList.toggle("sidebar-open", open);
    sidebarToggles().forEach(function (b) {
      b.setAttribute("aria-expanded", open ? "true" : "false");
      b.setAttribute("aria-label", open ? "关闭导航" : "打开导航");
    });
    var sidebar = document.getElementById("sidebar");
    if (open && sidebar) {
      var first = sidebar.querySelector("a, button");
      if (first) first.focus();
    } else if (!open && returnFocus) {
      var toggle = sidebarToggles()[0];
      if (toggle) toggle.focus();
    }
  }

  function confirmed(el) {
    var message = el && el.getAttribute("data-confirm");
    return !message || window.confirm(message);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;

    if (target.closest('[data-toggle="sidebar"]')) {
      setSidebar(!body.classList.contains("sidebar-open"), false);
      return;
    }
    if (target.closest('[data-close="sidebar"]')) {
      setSidebar(false, true);
      return;
    }

    var treeToggle = target.closest(".tree-toggle");
    if (treeToggle) {
      var node = treeToggle.closest(".tree-node");
      var children = node && node.querySelector(":scope > .tree-slot, :scope > ul.tree");
      var expanded = treeToggle.getAttribute("aria-expanded") === "true";
      if (children) {
        if (expanded || children.childElementCount > 0) {
          // Already loaded: just show or hide, and keep htmx from fetching again.
          event.preventDefault();
          event.stopImmediatePropagation();
        }
        children.hidden = expanded;
      }
      treeToggle.setAttribute("aria-expanded", expanded ? "false" : "true");
      return;
    }

    var collapse = target.closest('[data-toggle="collapse"][aria-controls]');
    if (collapse) {
      var panel = document.getElementById(collapse.getAttribute("aria-controls"));
      if (panel) {
        var open = collapse.getAttribute("aria-expanded") !== "true";
        collapse.setAttribute("aria-expanded", open ? "true" : "false");
        panel.hidden = !open;
      }
      return;
    }

    // Links and non-submit buttons (e.g. htmx hx-post). Submit buttons are asked in "submit" below,
    // so pressing Enter in the form asks too.
    var asking = target.closest("a[data-confirm], button[data-confirm]");
    if (asking && !(asking.type === "submit" && asking.form)) {
      if (!confirmed(asking)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    }
  }, true);

  // Capture phase, so a "no" also stops htmx's own submit handler on the form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var source = submitter && submitter.hasAttribute("data-confirm") ? submitter : form;
    if (!confirmed(source)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && body.classList.contains("sidebar-open")) {
      setSidebar(false, true);
    }
  });

  // File pickers: the native control speaks the browser's language and says nothing useful;
  // ours is a label styled as a button, and the chosen file's name is shown beside it.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".upload-input")) return;
    var name = input.closest(".upload").querySelector(".upload-name");
    if (name) name.textContent = input.files && input.files.length ? input.files[0].name : "未选择文件";
  });

  function onWide() {
    if (wide.matches && body.classList.contains("sidebar-open")) setSidebar(false, false);
  }
  if (wide.addEventListener) wide.addEventListener("change", onWide);
})();
