/* Keeps the desk current without a reload: the urgent banner on every page, and the queue list.
   Loaded as a file (the Content-Security-Policy allows no inline script). */
(function () {
  "use strict";

  var body = document.body;
  var statusUrl = body.getAttribute("data-status-url");
  if (!statusUrl) {
    return;
  }
  var seconds = Math.max(1, parseInt(body.getAttribute("data-poll-seconds"), 10) || 10);
  var pageTitle = document.title;
  var banner = document.getElementById("urgent-banner");
  var count = document.getElementById("urgent-count");
  var wait = document.getElementById("urgent-wait");
  var list = document.querySelector("[data-refresh-url]");

  function showBanner(status) {
    var n = status.urgent_unacknowledged;
    document.title = (n ? "(" + n + " urgent) " : "") + pageTitle;
    if (!banner) {
      return;
    }
    banner.hidden = n === 0;
    count.textContent = n + " urgent escalation" + (n === 1 ? "" : "s") + " not acknowledged";
    wait.textContent = status.longest_wait ? "– longest waiting " + status.longest_wait : "";
  }

  function signedOut(response) {
    /* A session that ended sends the sign-in page: reload so the person sees it. */
    return response.redirected || response.status === 401;
  }

  function refreshList() {
    if (!list || list.contains(document.activeElement)) {
      return Promise.resolve(); /* never move the page under someone's keyboard */
    }
    return fetch(list.getAttribute("data-refresh-url"), {credentials: "same-origin"})
      .then(function (response) {
        if (signedOut(response)) {
          window.location.reload();
          return null;
        }
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          list.innerHTML = html;
        }
      });
  }

  function tick() {
    fetch(statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (signedOut(response)) {
          window.location.reload();
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (status) {
          showBanner(status);
        }
        return refreshList();
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ })
      .then(function () {
        window.setTimeout(tick, seconds * 1000);
      });
  }

  window.setTimeout(tick, seconds * 1000);
})();
