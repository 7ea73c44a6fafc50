// Start-up: the input the server has open (given on the command line, or uploaded before a
// reload), with this session's choices if the browser kept them.
"use strict";
(function (Q) {
  Q.api("/api/state")
    .then((s) => { Q.S.started = true; return s.opened ? Q.open(s, false) : null; })
    .catch((e) => { Q.S.started = true; Q.showError(e.message); });
})(window.QS);
