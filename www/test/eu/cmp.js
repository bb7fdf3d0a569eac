// The shop's own cookie banner (CMP). Its decision lives in its own cookie, `laufhaus_cmp`
// ("ja" / "nein"); it tells Moments through the API the README documents: Moments.consent().
(function () {
  window.Moments = window.Moments || [];
  var decision = (document.cookie.match(/(?:^|; )laufhaus_cmp=(ja|nein)/) || [])[1];
  function remember(v) {
    document.cookie = "laufhaus_cmp=" + v + "; path=/; max-age=31536000; SameSite=Lax";
  }
  // A shopper who accepted on an earlier page: grant again on every page load (the tag says pending).
  if (decision === "ja") Moments.push(["consent", true]);
  function ready() {
    var banner = document.getElementById("cmp");
    if (!decision) banner.hidden = false;
    document.getElementById("cmp-akzeptieren").addEventListener("click", function () {
      remember("ja");
      banner.hidden = true;
      Moments.push(["consent", true]);
    });
    document.getElementById("cmp-ablehnen").addEventListener("click", function () {
      remember("nein");
      banner.hidden = true;
      Moments.push(["consent", false]);
    });
    document.getElementById("cmp-widerrufen").addEventListener("click", function (e) {
      e.preventDefault();
      remember("nein");
      Moments.push(["consent", false]);
      banner.hidden = false;
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
