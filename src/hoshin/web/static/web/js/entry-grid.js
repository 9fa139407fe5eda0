// Keyboard navigation in the data entry grid: arrow keys move between
// cells, Enter moves down and Shift+Enter up. Left and right leave a cell
// only when the caret is at its start or end, so editing inside a number
// still works. Listeners sit on the document, so a grid swapped in by
// htmx keeps working.
(function () {
  "use strict";

  function cellAt(table, row, column) {
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    if (row < 0 || row >= rows.length) return null;
    // Columns count from the first data cell; the row header is skipped.
    var target = rows[row].cells[column + 1];
    return target ? target.querySelector("input[type=text]") : null;
  }

  function position(input) {
    var cell = input.closest("td");
    var row = cell.parentElement;
    return { row: row.sectionRowIndex, column: cell.cellIndex - 1 };
  }

  function move(input, rowStep, columnStep) {
    var table = input.closest("table[data-entry-grid]");
    var here = position(input);
    var row = here.row + rowStep;
    var column = here.column + columnStep;
    // Skip cells without an input (read-only rows), up to the grid's edge.
    while (row >= 0 && row < table.tBodies[0].rows.length && column >= 0) {
      var next = cellAt(table, row, column);
      if (next) {
        next.focus();
        next.select();
        return true;
      }
      if (!table.tBodies[0].rows[row].cells[column + 1]) return false;
      row += rowStep;
      column += columnStep;
    }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.closest("table[data-entry-grid]")) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var allSelected = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    var moved = false;
    if (event.key === "ArrowUp") moved = move(input, -1, 0);
    else if (event.key === "ArrowDown") moved = move(input, 1, 0);
    else if (event.key === "Enter") moved = move(input, event.shiftKey ? -1 : 1, 0) || true;
    else if (event.key === "ArrowLeft" && (atStart || allSelected)) moved = move(input, 0, -1);
    else if (event.key === "ArrowRight" && (atEnd || allSelected)) moved = move(input, 0, 1);
    if (moved) event.preventDefault();
  });
})();
