// Started by i18n.js: makes the page's first Intl formatters in a thread of its own, so the
// page's come ready-made (V8 builds its list of locales once per process). Nothing else.
new Intl.DateTimeFormat(navigator.languages);
new Intl.NumberFormat(navigator.languages);
close();
