// Test fixture: a tag manager's way in: the script tag inserted by another script.
(function () {
  var s = document.createElement("script");
  s.src = "/cdn/v1/assets/moments.js";
  s.async = true;
  s.setAttribute("data-bundle", "bundle.json");
  document.head.appendChild(s);
})();
