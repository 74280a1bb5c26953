/*
 * Chorus in-page feedback: "Is this page useful?" and "Report a problem with this page".
 *
 *   <div id="chorus-feedback"></div>
 *   <script src="https://CHORUS/static/feedback/chorus-feedback.js" data-service="SHORT-NAME" defer></script>
 *
 * Where the service knows where the person is, it may add data-region="ONS CODE" (a UK
 * nation or English region, like W92000004) and data-place="PLACE CODE" (a court, office
 * or place in Chorus). A code Chorus does not know is dropped, and the feedback still sent.
 *
 * Sets and reads no cookies. Sends the page address (without its query string, which can
 * hold personal details) and, for "No" and problems, what the person writes. Speaks
 * Welsh on pages whose <html lang> is "cy". Uses GOV.UK Frontend classes, so it looks
 * right on a GOV.UK page; it works without them.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var service = script.getAttribute("data-service");
  var where = {};
  if (script.getAttribute("data-region")) where.region = script.getAttribute("data-region");
  if (script.getAttribute("data-place")) where.place = script.getAttribute("data-place");
  var endpoint = script.getAttribute("data-endpoint") || new URL("/api/feedback/v1/feedback", script.src).href;
  var welsh = (document.documentElement.lang || "").toLowerCase().indexOf("cy") === 0;
  var words = welsh ? {
    question: "Ydy'r dudalen hon yn ddefnyddiol?",
    yes: "Ydy", no: "Nac ydy",
    yesHidden: " mae'r dudalen hon yn ddefnyddiol", noHidden: " nid yw'r dudalen hon yn ddefnyddiol",
    report: "Rhoi gwybod am broblem gyda'r dudalen hon",
    problemLabel: "Beth aeth o'i le?",
    notUsefulLabel: "Sut gallai'r dudalen hon fod yn well?",
    hint: "Peidiwch â chynnwys gwybodaeth bersonol neu ariannol, fel eich rhif Yswiriant Gwladol.",
    send: "Anfon", cancel: "Canslo",
    thanks: "Diolch am eich adborth.",
    empty: "Dywedwch wrthym beth aeth o'i le",
    tooLong: "Rhaid i'ch neges fod yn 2000 o nodau neu lai",
    failed: "Nid oedd modd anfon eich adborth. Rhowch gynnig arall arni yn nes ymlaen."
  } : {
    question: "Is this page useful?",
    yes: "Yes", no: "No",
    yesHidden: " this page is useful", noHidden: " this page is not useful",
    report: "Report a problem with this page",
    problemLabel: "What went wrong?",
    notUsefulLabel: "How could this page be better?",
    hint: "Do not include personal or financial information, like your National Insurance number.",
    send: "Send", cancel: "Cancel",
    thanks: "Thank you for your feedback.",
    empty: "Tell us what went wrong",
    tooLong: "Your message must be 2000 characters or fewer",
    failed: "Your feedback could not be sent. Try again later."
  };

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function newId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // One id per piece of feedback, kept across retries, so it is stored once.
  function send(body, tries) {
    if (tries === 3) Object.keys(where).forEach(function (name) { body[name] = where[name]; });
    return fetch(endpoint, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      keepalive: true,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status >= 500 && tries > 1) return send(body, tries - 1);
      if (response.status === 400 && (body.region || body.place)) {
        // A region or place the page was set up with wrongly: send the feedback without it.
        return response.json().then(function (answer) {
          var errors = (answer && answer.errors) || {};
          if (!errors.region && !errors.place) throw new Error("HTTP 400");
          delete body.region;
          delete body.place;
          return send(body, 1);
        });
      }
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }, function (error) {
      if (tries > 1) return send(body, tries - 1);
      throw error;
    });
  }

  function build(root) {
    var page = location.origin + location.pathname;
    root.classList.add("chorus-feedback");
    root.setAttribute("role", "region");
    root.setAttribute("aria-label", words.question);
    var status = el("div", { "class": "govuk-body", "aria-live": "polite" });
    var prompt = el("div", { "class": "govuk-body" });
    var question = el("h2", { "class": "govuk-heading-s govuk-!-display-inline-block govuk-!-margin-right-3" }, words.question);
    var yes = el("button", { type: "button", "class": "govuk-button govuk-button--secondary govuk-!-margin-right-2 govuk-!-margin-bottom-0" }, words.yes);
    yes.appendChild(el("span", { "class": "govuk-visually-hidden" }, words.yesHidden));
    var no = el("button", { type: "button", "class": "govuk-button govuk-button--secondary govuk-!-margin-bottom-0" }, words.no);
    no.appendChild(el("span", { "class": "govuk-visually-hidden" }, words.noHidden));
    var report = el("button", { type: "button", "class": "govuk-link govuk-!-display-block govuk-!-margin-top-3", style: "background:none;border:0;padding:0;cursor:pointer;font:inherit" }, words.report);
    prompt.appendChild(question);
    prompt.appendChild(yes);
    prompt.appendChild(no);
    prompt.appendChild(report);
    root.appendChild(prompt);
    root.appendChild(status);

    function thank() {
      root.replaceChildren(status);
      status.textContent = words.thanks;
    }

    function fail() {
      status.textContent = words.failed;
    }

    function form(kind) {
      var id = "chorus-feedback-text-" + kind;
      var box = el("form", { "class": "govuk-!-margin-top-3", novalidate: "" });
      var group = el("div", { "class": "govuk-form-group" });
      var label = el("label", { "class": "govuk-label govuk-label--s", "for": id }, kind === "problem" ? words.problemLabel : words.notUsefulLabel);
      var hint = el("div", { "class": "govuk-hint", id: id + "-hint" }, words.hint);
      var error = el("p", { "class": "govuk-error-message", id: id + "-error", hidden: "" });
      var text = el("textarea", { "class": "govuk-textarea", id: id, name: "text", rows: "4", "aria-describedby": id + "-hint" });
      group.appendChild(label);
      group.appendChild(hint);
      group.appendChild(error);
      group.appendChild(text);
      var submit = el("button", { type: "submit", "class": "govuk-button govuk-!-margin-right-2" }, words.send);
      var cancel = el("button", { type: "button", "class": "govuk-button govuk-button--secondary" }, words.cancel);
      box.appendChild(group);
      box.appendChild(submit);
      box.appendChild(cancel);
      var submissionId = newId();
      cancel.addEventListener("click", function () {
        box.remove();
        prompt.hidden = false;
      });
      box.addEventListener("submit", function (event) {
        event.preventDefault();
        var value = text.value.trim();
        var problem = kind === "problem" && !value ? words.empty : value.length > 2000 ? words.tooLong : "";
        if (problem) {
          error.textContent = problem;
          error.hidden = false;
          group.classList.add("govuk-form-group--error");
          text.setAttribute("aria-describedby", id + "-hint " + id + "-error");
          text.focus();
          return;
        }
        submit.disabled = true;
        send({ service: service, kind: kind, page: page, text: value, id: submissionId, language: welsh ? "cy" : "en" }, 3)
          .then(thank, function () { submit.disabled = false; fail(); });
      });
      prompt.hidden = true;
      root.insertBefore(box, status);
      text.focus();
    }

    yes.addEventListener("click", function () {
      yes.disabled = true;
      send({ service: service, kind: "useful", page: page, id: newId(), language: welsh ? "cy" : "en" }, 3)
        .then(thank, function () { yes.disabled = false; fail(); });
    });
    no.addEventListener("click", function () { form("not_useful"); });
    report.addEventListener("click", function () { form("problem"); });
  }

  function start() {
    var root = document.getElementById("chorus-feedback");
    if (!root) {
      root = document.createElement("div");
      root.id = "chorus-feedback";
      script.parentNode.insertBefore(root, script.nextSibling);
    }
    build(root);
  }

  if (!service) return;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
