// The PNP Live Mini App: the booking flow of the bot (F-BK-1) over the same REST API.
// Every call carries Telegram's initData ("Authorization: tma …"); the server checks it.
"use strict";

(function () {
  const config = JSON.parse(document.getElementById("config").textContent);
  const tg = window.Telegram && window.Telegram.WebApp;
  const initData = tg ? tg.initData : "";
  // Inside a Telegram client the script talks to its host; elsewhere (the local emulator, a
  // browser) links and the back button are ours.
  const inTelegram = Boolean(
    window.TelegramWebviewProxy ||
      (window.external && "notify" in window.external) ||
      window.parent !== window,
  );
  const POLL_MS = 2000;

  const S = {
    me: null,
    lang: "en",
    zone: "UTC",
    tab: "browse",
    stack: [],
    browse: { q: "", online: false },
  };

  let T = config.texts.en;

  // --- small helpers --------------------------------------------------------------------------

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === false || value === null || value === undefined) continue;
      if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
      else if (key === "class") el.className = value;
      else el.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }

  function show(...nodes) {
    const view = document.getElementById("view");
    view.replaceChildren(...nodes.flat().filter((n) => n !== null && n !== undefined && n !== false));
    window.scrollTo(0, 0);
  }

  function notice(text, tone) {
    const el = document.getElementById("notice");
    el.textContent = text || "";
    el.className = tone || "";
    el.hidden = !text;
  }

  class ApiError extends Error {
    constructor(status, body) {
      super(body.message || "HTTP " + status);
      this.status = status;
      this.code = body.code || "http_" + status;
      this.details = body.details || {};
    }
  }

  async function api(method, path, body, headers) {
    const init = {
      method,
      headers: Object.assign(
        { Authorization: "tma " + initData, Accept: "application/json" },
        headers || {},
      ),
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, { code: "network" });
    }
    if (response.ok) return response.status === 204 ? null : response.json();
    let error = {};
    try {
      error = (await response.json()).error || {};
    } catch (e) {
      /* not JSON: the status says enough */
    }
    throw new ApiError(response.status, error);
  }

  // An API refusal in the member's words: by code and reason, else a general apology.
  function refusal(err) {
    const known = T.refusals;
    const why = err.details && (err.details.why || err.details.rule);
    return (why && known[err.code + ":" + why]) || known[err.code] || T.error;
  }

  function failed(err) {
    notice(refusal(err), "bad");
  }

  function dayTitle(isoDay) {
    // A calendar day (no instant): formatted at noon UTC so no zone moves it.
    return new Intl.DateTimeFormat(S.lang, {
      weekday: "long",
      day: "numeric",
      month: "long",
      timeZone: "UTC",
    }).format(new Date(isoDay + "T12:00:00Z"));
  }

  // An instant in ``zone`` (the member's by default; a booking's own view names its reader's).
  function when(iso, zone) {
    const tz = zone || S.zone;
    const text = new Intl.DateTimeFormat(S.lang, {
      weekday: "short",
      day: "numeric",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
      timeZone: tz,
    }).format(new Date(iso));
    return text + " (" + tz + ")";
  }

  // Only the wall-clock time in ``zone``, with the zone named.
  function clockTime(iso, zone) {
    const tz = zone || S.zone;
    const text = new Intl.DateTimeFormat(S.lang, {
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
      timeZone: tz,
    }).format(new Date(iso));
    return text + " (" + tz + ")";
  }

  function todayInZone() {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone: S.zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(new Date());
    return parts; // YYYY-MM-DD
  }

  function iso(y, m, d) {
    return [y, String(m).padStart(2, "0"), String(d).padStart(2, "0")].join("-");
  }

  function daysIn(y, m) {
    return new Date(Date.UTC(y, m, 0)).getUTCDate();
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(16).slice(2);
  }

  function openExternal(url) {
    if (inTelegram && tg) tg.openLink(url);
    else window.open(url, "_blank", "noopener");
  }

  // --- navigation -----------------------------------------------------------------------------

  function go(screen, ...args) {
    S.stack.push([screen, args]);
    render();
  }

  function replace(screen, ...args) {
    S.stack.pop();
    go(screen, ...args);
  }

  function back() {
    if (S.stack.length > 1) {
      S.stack.pop();
      render();
    }
  }

  const HOMES = { browse: () => browse, mine: () => mine, calls: () => calls };

  function home(tab) {
    S.tab = tab;
    S.stack = [[HOMES[tab](), []]];
    render();
  }

  function render() {
    stopPolling();
    notice("");
    const [screen, args] = S.stack[S.stack.length - 1];
    const canGoBack = S.stack.length > 1;
    if (inTelegram && tg && tg.BackButton) {
      if (canGoBack) tg.BackButton.show();
      else tg.BackButton.hide();
    } else {
      document.getElementById("back").hidden = !canGoBack;
    }
    for (const tab of document.querySelectorAll(".tab")) {
      tab.classList.toggle("on", tab.dataset.tab === S.tab);
    }
    Promise.resolve(screen(...args)).catch(failed);
  }

  // --- gates: age, terms, restriction ---------------------------------------------------------

  function gate() {
    const me = S.me;
    if (me.restricted) {
      show(h("p", { class: "card" }, T.restricted));
      return;
    }
    if (me.missing.includes("age_confirmation")) {
      show(
        h("p", { class: "card" }, T.age_text),
        h("button", { class: "primary", id: "confirm-age", onclick: confirmAge }, T.age_confirm),
      );
      return;
    }
    show(
      h("p", { class: "card" }, T.terms_text),
      h("button", { class: "primary", id: "accept-terms", onclick: acceptTerms }, T.terms_accept),
    );
  }

  async function confirmAge() {
    try {
      S.me = await api("POST", "/api/me/age-confirmation", { confirm: true });
      start();
    } catch (err) {
      failed(err);
    }
  }

  async function acceptTerms() {
    try {
      S.me = await api("POST", "/api/me/terms", { version: config.terms_version });
      start();
    } catch (err) {
      failed(err);
    }
  }

  // --- browse and profile ---------------------------------------------------------------------

  async function browse() {
    const list = h("div", { class: "list", id: "performers" });
    const search = h("input", {
      type: "search",
      id: "search",
      placeholder: T.search,
      value: S.browse.q,
      maxlength: "64",
    });
    const online = h("button", { type: "button", class: "chip", id: "online" });
    online.textContent = S.browse.online ? T.everyone : T.online_only;
    let timer = null;
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        S.browse.q = search.value.trim();
        load(0, true);
      }, 300);
    });
    online.addEventListener("click", () => {
      S.browse.online = !S.browse.online;
      online.textContent = S.browse.online ? T.everyone : T.online_only;
      load(0, true);
    });
    const more = h("button", { type: "button", class: "secondary", id: "more", hidden: true }, T.more);
    let next = 0;
    more.addEventListener("click", () => load(next, false));
    show(h("div", { class: "filters" }, search, online), list, more);

    async function load(offset, fresh) {
      const params = new URLSearchParams({ limit: "20", offset: String(offset), tz: S.zone });
      if (S.browse.q) params.set("q", S.browse.q);
      if (S.browse.online) params.set("online", "true");
      try {
        const page = await api("GET", "/api/models?" + params);
        if (fresh) list.replaceChildren();
        for (const p of page.items) list.append(card(p));
        if (!list.children.length) list.append(h("p", { class: "muted" }, T.nobody));
        next = page.next_offset;
        more.hidden = next === null || next === undefined;
      } catch (err) {
        failed(err);
      }
    }
    await load(0, true);
  }

  function rating(p) {
    if (p.rating === null || p.rating === undefined) return T.new_performer;
    return "★ " + p.rating.toFixed(1) + " (" + p.rating_count + ")";
  }

  function card(p) {
    return h(
      "button",
      { type: "button", class: "performer", "data-id": String(p.id), onclick: () => go(profile, p.id) },
      p.photo ? h("img", { src: p.photo, alt: "", loading: "lazy" }) : h("span", { class: "avatar" }, p.display_name.slice(0, 1)),
      h(
        "span",
        { class: "who" },
        h("strong", {}, p.display_name),
        p.online ? h("span", { class: "online" }, T.online) : null,
        h("span", { class: "muted" }, rating(p) + " · " + fill(T.per_minute, { price: p.price_per_minute.formatted })),
        p.tags.length ? h("span", { class: "tags" }, p.tags.join(" · ")) : null,
      ),
    );
  }

  async function profile(id) {
    const p = await api("GET", "/api/models/" + id + "?tz=" + encodeURIComponent(S.zone));
    S.performer = p;
    const gallery = p.gallery.length
      ? h("div", { class: "gallery" }, p.gallery.map((g) => h("img", { src: g.url, alt: g.caption || "" })))
      : null;
    show(
      h("h2", {}, p.display_name),
      gallery,
      h("p", { class: "muted" }, rating(p) + (p.languages.length ? " · " + p.languages.join(", ") : "")),
      p.bio ? h("p", { class: "bio" }, p.bio) : null,
      h("h3", {}, T.choose_duration),
      h(
        "div",
        { class: "choices", id: "durations" },
        p.durations.map((d) =>
          h(
            "button",
            { type: "button", class: "choice", "data-minutes": String(d.minutes), onclick: () => go(calendar, d.minutes, null) },
            fill(T.duration_price, { minutes: d.minutes, price: d.price.formatted }),
          ),
        ),
      ),
    );
  }

  // --- a month of free days, then a time ------------------------------------------------------

  // ``moving``: the booking being moved to another time (reschedule), or null for a new one.
  async function calendar(minutes, moving, month) {
    const today = todayInZone();
    const [ty, tm] = today.split("-").map(Number);
    const [y, m] = month || [ty, tm];
    const first = y === ty && m === tm ? today : iso(y, m, 1);
    const last = iso(y, m, daysIn(y, m));
    const performerId = moving ? moving.performer.id : S.performer.id;
    const params = new URLSearchParams({ duration: String(minutes), from: first, to: last, tz: S.zone });
    const found = await api("GET", "/api/models/" + performerId + "/availability?" + params);
    const free = new Map(found.days.filter((d) => d.slots.length).map((d) => [d.day, d]));
    const reachesEnd = found.days.length && found.days[found.days.length - 1].day === last;
    const title = new Intl.DateTimeFormat(S.lang, { month: "long", year: "numeric", timeZone: "UTC" }).format(
      new Date(Date.UTC(y, m - 1, 15)),
    );
    const prev = m === 1 ? [y - 1, 12] : [y, m - 1];
    const next = m === 12 ? [y + 1, 1] : [y, m + 1];
    const isCurrent = y === ty && m === tm;
    const grid = h("div", { class: "month", id: "month" });
    const monday = new Date(Date.UTC(y, m - 1, 1)).getUTCDay(); // 0 = Sunday
    const lead = (monday + 6) % 7;
    const names = [];
    for (let i = 0; i < 7; i++) {
      // 2024-01-01 was a Monday
      names.push(new Intl.DateTimeFormat(S.lang, { weekday: "narrow", timeZone: "UTC" }).format(new Date(Date.UTC(2024, 0, 1 + i))));
    }
    for (const n of names) grid.append(h("span", { class: "wd" }, n));
    for (let i = 0; i < lead; i++) grid.append(h("span", {}));
    for (let d = 1; d <= daysIn(y, m); d++) {
      const day = iso(y, m, d);
      const slots = free.get(day);
      grid.append(
        h(
          "button",
          {
            type: "button",
            class: slots ? "day free" : "day",
            disabled: !slots,
            "data-day": day,
            onclick: slots ? () => go(times, minutes, moving, found, day) : null,
          },
          String(d),
        ),
      );
    }
    const name = moving ? moving.performer.display_name : S.performer.display_name;
    show(
      h("h2", {}, moving ? T.reschedule_pick : fill(T.choose_day, { name })),
      h("p", { class: "muted", id: "zone" }, fill(T.zone_note, { zone: found.timezone })),
      h(
        "div",
        { class: "monthbar" },
        h("button", { type: "button", class: "secondary", id: "prev-month", disabled: isCurrent, "aria-label": T.previous_month, onclick: () => replace(calendar, minutes, moving, prev) }, "‹"),
        h("strong", {}, title),
        h("button", { type: "button", class: "secondary", id: "next-month", disabled: !reachesEnd, "aria-label": T.next_month, onclick: () => replace(calendar, minutes, moving, next) }, "›"),
      ),
      grid,
      free.size ? null : h("p", { class: "muted" }, T.no_days_month),
    );
  }

  function times(minutes, moving, found, day) {
    const entry = found.days.find((d) => d.day === day);
    const slots = entry ? entry.slots : [];
    show(
      h("h2", {}, dayTitle(day)),
      h("p", { class: "muted" }, fill(T.choose_time, { zone: found.timezone })),
      slots.length
        ? h(
            "div",
            { class: "choices times", id: "times" },
            slots.map((s) =>
              h(
                "button",
                { type: "button", class: "choice", "data-start": s.start, onclick: (e) => (moving ? moveTo(moving, s) : hold(minutes, s, e.currentTarget)) },
                s.local_start.slice(11, 16),
              ),
            ),
          )
        : h("p", { class: "muted" }, T.no_times),
    );
  }

  // --- summary, hold, pay ---------------------------------------------------------------------

  function upgrade() {
    // What PRIME gives, and where to get it, instead of a booking FREE members cannot make.
    return [
      h("p", { class: "card", id: "upgrade" }, T.upgrade_text),
      config.upgrade_url
        ? h("button", { type: "button", class: "primary", id: "become-prime", onclick: () => openExternal(config.upgrade_url) }, T.upgrade_cta)
        : h("p", { class: "muted" }, T.upgrade_ask),
    ];
  }

  // F-BK-1: the time is held first, then the rules are read and accepted, then the summary is
  // confirmed; the booking then awaits its payment.
  async function hold(minutes, slot, button) {
    if (!S.me.is_prime && !config.pay_per_call) return go(upgradeScreen);
    button.disabled = true;
    try {
      const booking = await api(
        "POST",
        "/api/bookings",
        { performer_id: S.performer.id, start: slot.start, duration: minutes, accept_rules: false },
        { "Idempotency-Key": newKey() },
      );
      go(rules, booking.id);
    } catch (err) {
      button.disabled = false;
      if (err.code === "slot_taken" || err.code === "slot_unavailable") {
        back(); // the month again, fresh from the server
        notice(T.taken, "bad");
      } else if (err.code === "prime_required") {
        go(upgradeScreen);
      } else {
        failed(err);
      }
    }
  }

  function upgradeScreen() {
    show(h("h2", {}, T.summary), upgrade());
  }

  function rules(bookingId) {
    show(
      h("p", { class: "rules card", id: "rules" }, T.rules_text),
      h("button", { type: "button", class: "primary", id: "accept-rules", onclick: () => go(summary, bookingId) }, T.rules_accept),
    );
  }

  async function summary(bookingId) {
    const b = await api("GET", "/api/bookings/" + bookingId);
    if (b.status !== "held") return replace(paying, bookingId);
    const confirm = h("button", { type: "button", class: "primary", id: "confirm" }, T.confirm_pay);
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      try {
        await api("POST", "/api/bookings/" + bookingId + "/confirm", { accept_rules: true });
        S.stack.splice(S.stack.length - 2, 2); // rules and summary are done with
        go(paying, bookingId);
      } catch (err) {
        if (err.code === "slot_taken") {
          // The hold ran out while the member read: the days and times again.
          S.stack.splice(S.stack.length - 3, 3);
          render();
          notice(T.hold_lapsed, "bad");
          return;
        }
        confirm.disabled = false;
        failed(err);
      }
    });
    show(
      h("h2", {}, T.summary),
      h(
        "div",
        { class: "card", id: "summary" },
        h("strong", {}, b.performer.display_name),
        h("p", {}, when(b.start_at, b.local.timezone)),
        h("p", {}, fill(T.duration_price, { minutes: b.duration_minutes, price: b.price.formatted })),
      ),
      b.hold_expires_at
        ? h("p", { class: "muted", id: "held" }, fill(T.held_until, { time: clockTime(b.hold_expires_at, b.local.timezone) }))
        : null,
      confirm,
    );
  }

  async function paying(bookingId) {
    let booking = await api("GET", "/api/bookings/" + bookingId);
    if (booking.status === "confirmed" || booking.status === "live") return replace(detail, bookingId);
    const options = await api("GET", "/api/bookings/" + bookingId + "/pay");
    const status = h("p", { class: "muted", id: "pay-status", hidden: true }, T.waiting);
    let chosen = null;
    const again = h("button", { type: "button", class: "secondary", id: "checkout", hidden: true, onclick: () => checkout(chosen) }, T.checkout_again);
    const methods = h(
      "div",
      { class: "choices", id: "methods" },
      options.offered.map((name) =>
        h("button", { type: "button", class: "choice", "data-provider": name, onclick: () => checkout(name) }, T.providers[name] || name),
      ),
    );
    show(
      h("h2", {}, booking.performer.display_name),
      h("div", { class: "card" }, h("p", {}, when(booking.start_at, booking.local.timezone)), h("p", {}, booking.price.formatted)),
      booking.payment_deadline || booking.hold_expires_at
        ? h("p", { id: "held" }, fill(T.held_until, { time: clockTime(booking.payment_deadline || booking.hold_expires_at, booking.local.timezone) }))
        : null,
      h("h3", {}, T.pay_with),
      methods,
      status,
      again,
    );
    async function checkout(name) {
      try {
        const c = await api("POST", "/api/bookings/" + bookingId + "/pay", { provider: name });
        chosen = name;
        status.hidden = false;
        again.hidden = false;
        if (c.provider === "telegram_stars" && inTelegram && tg && c.checkout_url) {
          tg.openInvoice(c.checkout_url, () => poll());
        } else if (c.checkout_url) {
          openExternal(c.checkout_url);
        }
        if (!S.timer) S.timer = setTimeout(poll, POLL_MS);
      } catch (err) {
        failed(err);
      }
    }
    if (options.offered.length === 1) await checkout(options.offered[0]);
    // The provider's webhook confirms the booking; the app only watches for it.
    async function poll() {
      S.timer = null;
      if (S.stack[S.stack.length - 1][0] !== paying) return; // the member went elsewhere
      try {
        booking = await api("GET", "/api/bookings/" + bookingId);
      } catch (err) {
        failed(err);
      }
      if (booking.status === "confirmed" || booking.status === "live") {
        S.stack = [[mine, []]];
        S.tab = "mine";
        go(detail, bookingId);
        notice(T.paid, "ok");
        return;
      }
      if (!["held", "pending_payment"].includes(booking.status)) {
        status.textContent = T.hold_lapsed;
        methods.hidden = true;
        again.hidden = true;
        return;
      }
      S.timer = setTimeout(poll, POLL_MS);
    }
  }

  function stopPolling() {
    if (S.timer) clearTimeout(S.timer);
    S.timer = null;
  }

  // --- my bookings ----------------------------------------------------------------------------

  async function mine() {
    const upcoming = await api("GET", "/api/bookings/my?when=upcoming&limit=50");
    const past = await api("GET", "/api/bookings/my?when=past&limit=10");
    const row = (b) =>
      h(
        "button",
        { type: "button", class: "booking", "data-id": b.id, onclick: () => go(detail, b.id) },
        h("strong", {}, b.performer.display_name),
        h("span", {}, when(b.start_at, b.local.timezone)),
        h("span", { class: "status " + b.status }, T.status[b.status] || b.status),
      );
    show(
      h("h2", {}, T.tab_mine),
      upcoming.items.length
        ? h("div", { class: "list", id: "upcoming" }, upcoming.items.map(row))
        : h("p", { class: "muted" }, T.mine_empty),
      past.items.length ? h("h3", {}, T.mine_past) : null,
      past.items.length ? h("div", { class: "list", id: "past" }, past.items.map(row)) : null,
    );
  }

  // A performer's own calls (their bookings are made by members; the bot and the dashboard
  // run the rest of their work).
  async function calls() {
    const upcoming = await api("GET", "/api/model/me/bookings?when=upcoming&limit=50");
    show(
      h("h2", {}, T.tab_calls),
      upcoming.items.length
        ? h(
            "div",
            { class: "list", id: "calls" },
            upcoming.items.map((b) =>
              h(
                "button",
                { type: "button", class: "booking", "data-id": b.id, onclick: () => go(detail, b.id) },
                h("strong", {}, when(b.start_at, b.local.timezone)),
                h("span", {}, fill(T.duration_price, { minutes: b.duration_minutes, price: b.price.formatted })),
                h("span", { class: "status " + b.status }, T.status[b.status] || b.status),
              ),
            ),
          )
        : h("p", { class: "muted" }, T.mine_empty),
    );
  }

  async function detail(id) {
    const b = await api("GET", "/api/bookings/" + id);
    const actions = [];
    if (b.call && b.call.join_url) {
      actions.push(h("button", { type: "button", class: "primary", id: "join", onclick: () => openExternal(b.call.join_url) }, T.join));
    } else if (b.call && ["confirmed"].includes(b.status)) {
      actions.push(h("p", { class: "muted" }, fill(T.join_opens, { time: when(b.call.opens_at, b.local.timezone) })));
    }
    const own = S.me.performer_id === null || S.me.performer_id === undefined;
    if (own && (b.status === "held" || b.status === "pending_payment")) {
      actions.push(h("button", { type: "button", class: "primary", id: "pay", onclick: () => go(paying, b.id) }, fill(T.pay_now, { price: b.price.formatted })));
    }
    if (own && b.status === "confirmed") {
      actions.push(
        h("button", { type: "button", class: "secondary", id: "reschedule", onclick: () => go(calendar, b.duration_minutes, b, null) }, T.reschedule),
        h("button", { type: "button", class: "secondary", id: "ics", onclick: () => downloadIcs(b) }, T.ics),
      );
    }
    if (own && ["held", "pending_payment", "confirmed"].includes(b.status)) {
      actions.push(h("button", { type: "button", class: "danger", id: "cancel", onclick: () => cancel(b) }, T.cancel));
    }
    show(
      h("h2", {}, b.performer.display_name),
      h(
        "div",
        { class: "card", id: "booking" },
        h("p", {}, when(b.start_at, b.local.timezone)),
        h("p", {}, fill(T.duration_price, { minutes: b.duration_minutes, price: b.price.formatted })),
        h("p", { class: "status " + b.status, id: "status" }, T.status[b.status] || b.status),
      ),
      h("div", { class: "actions" }, actions),
    );
  }

  async function cancel(b) {
    const ask = fill(T.cancel_confirm, { time: when(b.start_at) });
    const sure = await new Promise((resolve) => {
      if (inTelegram && tg && tg.showConfirm) tg.showConfirm(ask, resolve);
      else resolve(window.confirm(ask));
    });
    if (!sure) return;
    try {
      const out = await api("POST", "/api/bookings/" + b.id + "/cancel", {});
      await detail(b.id);
      const refund = out.refund;
      if (out.was_paid && refund && refund.amount.amount > 0) notice(T.cancelled + " " + fill(T.refund, { amount: refund.amount.formatted }), "ok");
      else if (out.was_paid) notice(T.cancelled + " " + T.no_refund, "ok");
      else notice(T.cancelled, "ok");
    } catch (err) {
      failed(err);
    }
  }

  async function moveTo(b, slot) {
    try {
      const moved = await api("POST", "/api/bookings/" + b.id + "/reschedule", { start: slot.start });
      S.stack = [[mine, []]];
      go(detail, moved.id);
      notice(fill(T.rescheduled, { time: when(moved.start_at) }), "ok");
    } catch (err) {
      failed(err);
    }
  }

  async function downloadIcs(b) {
    // The calendar file needs the member's credentials, so it is fetched, then saved.
    try {
      const response = await fetch("/api/bookings/" + b.id + "/calendar.ics", {
        headers: { Authorization: "tma " + initData },
      });
      if (!response.ok) throw new ApiError(response.status, (await response.json()).error || {});
      const blob = await response.blob();
      const link = h("a", { href: URL.createObjectURL(blob), download: "pnplive-" + b.id + ".ics" });
      document.body.append(link);
      link.click();
      link.remove();
    } catch (err) {
      failed(err);
    }
  }

  // --- start ----------------------------------------------------------------------------------

  function applyLanguage(lang) {
    S.lang = config.texts[lang] ? lang : "en";
    T = config.texts[S.lang];
    document.documentElement.lang = S.lang;
    document.title = T.title;
    document.getElementById("heading").textContent = T.title;
    document.getElementById("tab-browse").textContent = T.tab_browse;
    document.getElementById("tab-mine").textContent = T.tab_mine;
    document.getElementById("tab-calls").textContent = T.tab_calls;
    document.getElementById("back").textContent = "‹ " + T.back;
  }

  function start() {
    const me = S.me;
    if (me.restricted || me.missing.length) {
      document.getElementById("tabs").hidden = true;
      gate();
      return;
    }
    document.getElementById("tabs").hidden = false;
    const performer = me.performer_id !== null && me.performer_id !== undefined;
    // Performers do not book: their tab is their own calls.
    document.getElementById("tab-browse").hidden = performer;
    document.getElementById("tab-mine").hidden = performer;
    document.getElementById("tab-calls").hidden = !performer;
    home(performer ? "calls" : S.tab);
  }

  async function boot() {
    const guess = tg && tg.initDataUnsafe && tg.initDataUnsafe.user && tg.initDataUnsafe.user.language_code;
    applyLanguage((guess || navigator.language || "en").slice(0, 2));
    if (tg) {
      tg.ready();
      tg.expand();
      if (tg.BackButton) tg.BackButton.onClick(back);
    }
    document.getElementById("back").addEventListener("click", back);
    for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => home(tab.dataset.tab));
    if (!initData) {
      show(h("p", { class: "card", id: "outside" }, T.outside));
      return;
    }
    try {
      S.me = await api("GET", "/api/me");
    } catch (err) {
      show(h("p", { class: "card" }, refusal(err)), h("button", { class: "secondary", onclick: boot }, T.retry));
      return;
    }
    S.zone = S.me.timezone;
    applyLanguage(S.me.language);
    start();
  }

  boot();
})();
