// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Photo shrinking and size checks (uploads.js) load only on pages that have a file input: one request fewer elsewhere.
  if (document.querySelector("input[type=file]") && document.body.getAttribute("data-uploads-script")) {
    var script = document.createElement("script");
    script.src = document.body.getAttribute("data-uploads-script");
    document.head.appendChild(script);
  }
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Dates typed in the Solar Hijri calendar: show the Gregorian date beside them while typing, read by the
  // server's own parser (the same one that checks the form when it is sent).
  document.querySelectorAll("input[data-date-echo]").forEach(function (input) {
    var echo = document.getElementById(input.getAttribute("data-date-echo"));
    var timer = null;
    if (!echo) { return; }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var value = input.value.trim();
        if (!value) { echo.textContent = ""; return; }
        fetch("/dates/echo?value=" + encodeURIComponent(value), {credentials: "same-origin",
                                                                headers: {"Accept": "application/json"}})
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (data) {
            if (data && input.value.trim() === value) { echo.textContent = data.text || data.error || ""; }
          })
          .catch(function () { /* offline: the server checks the date when the form is sent */ });
      }, 300);
    });
  });
})();
