/* Site type-ahead (inventory/sites.py): fills each site input's <datalist> from the JSON lookup.
   Without this script the input is plain text, resolved on the server. */
(function () {
  if (window.prolongeSites) return;
  window.prolongeSites = true;
  function fill(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.dataset.lookup;
    url += (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(input.value);
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) {
        list.replaceChildren.apply(list, data.results.map(function (site) {
          var option = document.createElement("option");
          option.value = site.name;
          return option;
        }));
      });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-lookup]").forEach(function (input) {
      var timer;
      input.addEventListener("focus", function () { if (!list_filled(input)) fill(input); });
      input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(function () { fill(input); }, 200); });
    });
  });
  function list_filled(input) { return document.getElementById(input.getAttribute("list")).children.length > 0; }
})();
