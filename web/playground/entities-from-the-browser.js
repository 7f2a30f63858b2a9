// What markdown-it (GraphiQL's docs) uses of the entities package: decodeHTML and
// decodeHTMLStrict, each called on one whole `&name;` or `&#...;` reference that
// markdown-it's own patterns matched (semicolon included). The browser decodes those
// itself; handed to markdown-it by web/build.mjs instead of entities' 75 KB of tables.
//
// A detached <textarea> holds text only (RCDATA): setting its innerHTML decodes character
// references and never creates elements, runs scripts or loads anything.

/** The text of the HTML character references in `text`. */
function decode(text) {
  const box = document.createElement('textarea');
  box.innerHTML = text;
  return box.value;
}

export const decodeHTML = decode;
export const decodeHTMLStrict = decode;
