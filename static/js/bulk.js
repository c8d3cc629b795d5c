/* Device list (issue 13): "select every device of this page" for the bulk actions. Without this
   script the box stays hidden and each device is ticked on its own. */
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("select-all");
    if (!all) return;
    var boxes = document.querySelectorAll('#bulk input[name="device"]');
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
        all.checked = ticked === boxes.length;
        all.indeterminate = ticked > 0 && ticked < boxes.length;
      });
    });
  });
})();
