// Refuses, before anything is sent, a file over the per-file limit of the form's file input (data-max-bytes), with the
// page's own sentence (data-too-large, with {name}, {size} and {limit}). The server checks again whatever arrives.
(function () {
  "use strict";
  function describe(bytes) {
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }
  function check(input) {
    var max = Number(input.getAttribute("data-max-bytes"));
    var output = document.getElementById(input.getAttribute("data-error-id"));
    var tooLarge = Array.prototype.filter.call(input.files || [], function (file) { return max > 0 && file.size > max; });
    if (output) {
      output.textContent = tooLarge.map(function (file) {
        return input.getAttribute("data-too-large")
          .replace("{name}", file.name).replace("{size}", describe(file.size)).replace("{limit}", input.getAttribute("data-limit"));
      }).join(" ");
      output.hidden = tooLarge.length === 0;
    }
    input.setAttribute("aria-invalid", tooLarge.length > 0 ? "true" : "false");
    return tooLarge.length === 0;
  }
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    input.addEventListener("change", function () { check(input); });
    if (input.form) {
      input.form.addEventListener("submit", function (event) {
        if (!check(input)) {
          event.preventDefault();
          input.focus();
        }
      });
    }
  });
})();
