// Draws the strategy map with Cytoscape. Dagre orders the objectives so
// that cause-effect arrows cross as little as possible. Each objective is
// then moved into the lane of its perspective, keeping that order. A lane
// with more objectives than fit in one row wraps onto further rows. Status
// colours repeat the status word that every node label carries.
(function () {
  "use strict";

  var NODE_WIDTH = 190;
  var NODE_HEIGHT = 82;
  var COLUMN_GAP = 36;
  var ROW_HEIGHT = NODE_HEIGHT + 40;
  var LANE_PADDING = 22;
  var LANE_GAP = 14;
  var HEADER_WIDTH = 170;
  var STATUS_COLOURS = {
    on_track: { border: "#116329", fill: "#dafbe1" },
    at_risk: { border: "#7d4e00", fill: "#fff8c5" },
    off_track: { border: "#a40e26", fill: "#ffebe9" },
    no_data: { border: "#57606a", fill: "#eaeef2" },
    out_of_range: { border: "#6639ba", fill: "#fbefff" }
  };

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function formatScore(score) {
    if (score === null || score === undefined) {
      return "";
    }
    var language = document.documentElement.lang || "en";
    return " · " + new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 }).format(score);
  }

  function shorten(text, length) {
    return text.length > length ? text.slice(0, length - 1) + "…" : text;
  }

  function buildElements(perspectives, objectives, links) {
    var elements = [];
    perspectives.forEach(function (perspective) {
      elements.push({ group: "nodes", classes: "lane", data: { id: "lane:" + perspective.key, label: "" } });
      elements.push({
        group: "nodes", classes: "lane-label",
        data: { id: "lane-label:" + perspective.key, label: perspective.name }
      });
    });
    objectives.forEach(function (objective) {
      var colours = STATUS_COLOURS[objective.status] || STATUS_COLOURS.no_data;
      elements.push({
        group: "nodes", classes: "objective",
        data: {
          id: objective.key,
          perspective: objective.perspective,
          url: objective.url,
          name: objective.name,
          label: shorten(objective.name, 70) + "\n" + objective.status_icon + " " + objective.status_label +
            formatScore(objective.score),
          border: colours.border,
          fill: colours.fill
        }
      });
    });
    links.forEach(function (link, index) {
      var classes = ["verdict-" + (link.verdict || "insufficient_data")];
      if (link.sign === "negative") {
        classes.push("negative");
      }
      elements.push({
        group: "edges", classes: classes.join(" "),
        data: {
          id: "link:" + index, source: link.cause, target: link.effect,
          hypothesis: link.hypothesis, sign: link.sign, verdictLabel: link.verdict_label || "",
          badge: (link.sign === "negative" ? "− " : "") + (VERDICT_BADGES[link.verdict] || "")
        }
      });
    });
    return elements;
  }

  // The line's colour, width and pattern show the evidence verdict of a link. The badge repeats the
  // verdict as a symbol, so it does not depend on colour alone.
  var VERDICT_BADGES = { supported: "✓", contradicted: "✗", no_evidence: "?", insufficient_data: "…" };

  var STYLE = [
    // Edges are drawn above the lanes and below the objectives, in the order of z-index alone.
    { selector: "node, edge", style: { "z-index-compare": "manual" } },
    {
      selector: "node.objective",
      style: {
        shape: "round-rectangle", width: NODE_WIDTH, height: NODE_HEIGHT,
        "background-color": "data(fill)", "border-color": "data(border)", "border-width": 3,
        label: "data(label)", "text-wrap": "wrap", "text-max-width": NODE_WIDTH - 16,
        "text-valign": "center", "text-halign": "center", "font-size": 12, color: "#1f2328",
        "font-family": "system-ui, sans-serif", "z-index": 10
      }
    },
    { selector: "node.objective:active, node.objective.hover", style: { "border-width": 5, "overlay-opacity": 0 } },
    {
      selector: "node.lane",
      style: {
        shape: "rectangle", "background-color": "#f6f8fa", "border-color": "#d0d7de", "border-width": 1,
        events: "no", "z-index": 0
      }
    },
    {
      selector: "node.lane-label",
      style: {
        shape: "rectangle", "background-opacity": 0, width: HEADER_WIDTH - 20, height: 40,
        label: "data(label)", "text-wrap": "wrap", "text-max-width": HEADER_WIDTH - 24, "font-size": 14,
        "font-weight": "bold", color: "#1f2328", "text-valign": "center", "text-halign": "center",
        events: "no", "z-index": 1
      }
    },
    {
      selector: "edge",
      style: {
        width: 2, "line-color": "#57606a", "target-arrow-color": "#57606a", "target-arrow-shape": "triangle",
        "arrow-scale": 1.3, "curve-style": "bezier", "z-index": 5
      }
    },
    {
      selector: "edge.negative",
      style: {
        "line-style": "dashed", label: "−", "font-size": 20, "font-weight": "bold", color: "#a40e26",
        "text-background-color": "#ffffff", "text-background-opacity": 1, "text-background-padding": 2
      }
    },
    {
      selector: "edge[badge]",
      style: {
        label: "data(badge)", "font-size": 15, "font-weight": "bold", "text-background-color": "#ffffff",
        "text-background-opacity": 1, "text-background-padding": 2
      }
    },
    { selector: "edge.verdict-supported", style: { width: 3, "line-color": "#1a7f37", "target-arrow-color": "#1a7f37", color: "#1a7f37" } },
    { selector: "edge.verdict-contradicted", style: { width: 3, "line-color": "#a40e26", "target-arrow-color": "#a40e26", color: "#a40e26", "line-style": "dotted" } },
    { selector: "edge.verdict-no_evidence", style: { "line-color": "#8c959f", "target-arrow-color": "#8c959f", color: "#57606a" } },
    { selector: "edge.verdict-insufficient_data", style: { "line-color": "#afb8c1", "target-arrow-color": "#afb8c1", color: "#57606a" } },
    { selector: "edge.negative", style: { "line-style": "dashed" } },
    { selector: "edge.hover", style: { width: 4, "line-color": "#0550ae", "target-arrow-color": "#0550ae" } }
  ];

  // Returns the centre x of each node in a one-row lane: dagre's x scaled to the lane's width, then
  // pushed apart where two nodes would overlap.
  function spreadRow(nodes, dagreRange, left, right) {
    var step = NODE_WIDTH + COLUMN_GAP;
    var span = dagreRange.max - dagreRange.min;
    var positions = nodes.map(function (node) {
      var share = span > 0 ? (node.position("x") - dagreRange.min) / span : 0.5;
      return left + share * (right - left);
    });
    for (var i = 1; i < positions.length; i++) {
      positions[i] = Math.max(positions[i], positions[i - 1] + step);
    }
    positions[positions.length - 1] = Math.min(positions[positions.length - 1], right);
    for (var j = positions.length - 2; j >= 0; j--) {
      positions[j] = Math.min(positions[j], positions[j + 1] - step);
    }
    return positions;
  }

  // Places the objectives in their lanes and sizes the lanes. A lane keeps dagre's left-to-right
  // order; one with more objectives than `columns` wraps onto further rows.
  function placeInLanes(cy, perspectives, columns, minimumWidth) {
    var step = NODE_WIDTH + COLUMN_GAP;
    var widest = 1;
    var grouped = perspectives.map(function (perspective) {
      var nodes = cy.nodes("node.objective").filter(function (node) {
        return node.data("perspective") === perspective.key;
      }).toArray().sort(function (a, b) {
        return a.position("x") - b.position("x");
      });
      widest = Math.max(widest, Math.min(nodes.length, columns));
      return { key: perspective.key, nodes: nodes };
    });
    var width = Math.max(minimumWidth, HEADER_WIDTH + widest * step);
    var left = HEADER_WIDTH + COLUMN_GAP / 2 + NODE_WIDTH / 2;
    var right = width - COLUMN_GAP / 2 - NODE_WIDTH / 2;
    var xs = cy.nodes("node.objective").map(function (node) { return node.position("x"); });
    var dagreRange = { min: Math.min.apply(null, xs), max: Math.max.apply(null, xs) };

    var top = 0;
    grouped.forEach(function (lane) {
      var rows = Math.max(1, Math.ceil(lane.nodes.length / columns));
      var height = rows * ROW_HEIGHT + 2 * LANE_PADDING - (ROW_HEIGHT - NODE_HEIGHT);
      var spread = rows === 1 && lane.nodes.length ? spreadRow(lane.nodes, dagreRange, left, right) : null;
      lane.nodes.forEach(function (node, index) {
        var row = Math.floor(index / columns);
        node.position({
          x: spread ? spread[index] : left + (index % columns) * step,
          y: top + LANE_PADDING + row * ROW_HEIGHT + NODE_HEIGHT / 2
        });
      });
      cy.getElementById("lane:" + lane.key).style({ width: width, height: height })
        .position({ x: width / 2, y: top + height / 2 });
      cy.getElementById("lane-label:" + lane.key).position({ x: HEADER_WIDTH / 2, y: top + height / 2 });
      top += height + LANE_GAP;
    });
    return { width: width, height: top - LANE_GAP };
  }

  function showTooltip(tooltip, labels, edge, event) {
    var hypothesis = edge.data("hypothesis");
    var text = labels.hypothesis + ": " + (hypothesis || labels.noHypothesis);
    if (edge.data("sign") === "negative") {
      text += " (" + labels.negative + ")";
    }
    if (edge.data("verdictLabel")) {
      text += " · " + edge.data("verdictLabel");
    }
    tooltip.textContent = text;
    tooltip.hidden = false;
    var box = event.cy.container().getBoundingClientRect();
    tooltip.style.left = window.scrollX + box.left + event.renderedPosition.x + 12 + "px";
    tooltip.style.top = window.scrollY + box.top + event.renderedPosition.y + 12 + "px";
  }

  function draw() {
    var container = document.getElementById("strategy-map");
    if (!container || typeof cytoscape === "undefined") {
      return;
    }
    var perspectives = readJson("strategy-map-perspectives");
    var objectives = readJson("strategy-map-objectives");
    var links = readJson("strategy-map-links");
    var labels = readJson("strategy-map-labels");
    var tooltip = document.getElementById("strategy-map-tooltip");

    var cy = cytoscape({
      container: container,
      elements: buildElements(perspectives, objectives, links),
      style: STYLE,
      minZoom: 0.3,
      maxZoom: 2,
      autoungrabify: true,
      boxSelectionEnabled: false
    });
    window.hoshinStrategyMap = cy;

    var available = Math.max(container.clientWidth, 600);
    var columns = Math.max(2, Math.floor((available - HEADER_WIDTH) / (NODE_WIDTH + COLUMN_GAP)));
    var layout = cy.elements("node.objective, edge").layout({
      name: "dagre", rankDir: "BT", nodeSep: 40, rankSep: 60, fit: false, animate: false
    });
    layout.one("layoutstop", function () {
      var size = placeInLanes(cy, perspectives, columns, available - 24);
      var scale = Math.min(1, available / size.width);
      container.style.height = Math.max(320, Math.ceil(size.height * scale) + 24) + "px";
      cy.resize();
      cy.fit(cy.nodes(), 10);
      container.dataset.ready = "true";
    });
    layout.run();

    cy.on("tap", "node.objective", function (event) {
      window.location.href = event.target.data("url");
    });
    cy.on("mouseover", "node.objective", function (event) {
      event.target.addClass("hover");
      container.style.cursor = "pointer";
      container.title = event.target.data("name");
    });
    cy.on("mouseout", "node.objective", function (event) {
      event.target.removeClass("hover");
      container.style.cursor = "";
      container.title = "";
    });
    cy.on("mouseover", "edge", function (event) {
      event.target.addClass("hover");
      showTooltip(tooltip, labels, event.target, event);
    });
    cy.on("mouseout", "edge", function (event) {
      event.target.removeClass("hover");
      tooltip.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
