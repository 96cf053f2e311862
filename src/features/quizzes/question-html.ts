/**
 * Question text written as HTML (GIFT `[html]`, or the question form's "HTML" box): kept and shown as
 * formatted text through sanitize-html with a small allow-list, applied when the question is saved and
 * again when it is rendered (a row written before, or by hand, is never trusted). No attributes at all:
 * no links, images, styles or event handlers reach a page.
 */
import sanitizeHtml from "sanitize-html";

export type StoredTextFormat = "plain" | "html";

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ["b", "i", "u", "em", "strong", "br", "p", "ul", "ol", "li", "sub", "sup"],
  allowedAttributes: {},
  // <script>, <style> and the like go with their content; other unknown tags leave their text.
  disallowedTagsMode: "discard",
};

/** The allow-listed HTML of a question text (everything else removed). */
export function sanitizeQuestionHtml(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}

/** The format a question is stored with: only `html` keeps markup; markdown/moodle/plain are plain text. */
export const storedFormat = (format: string | null | undefined): StoredTextFormat => (format === "html" ? "html" : "plain");

/** The text to store: sanitised when it is HTML, as given otherwise. */
export const storedText = (text: string, format: string | null | undefined): string =>
  storedFormat(format) === "html" ? sanitizeQuestionHtml(text) : text;

/** The HTML to print for a question's text, sanitised again now; null for plain text (printed escaped). */
export function questionTextHtml(q: { text: string; textFormat?: string | null }): string | null {
  return storedFormat(q.textFormat) === "html" ? sanitizeQuestionHtml(q.text) : null;
}
