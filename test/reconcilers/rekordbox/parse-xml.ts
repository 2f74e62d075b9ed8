// Reads an export back with saxes, a strict XML 1.0 parser: any well-formedness error (a bad escape, a
// forbidden character, a mismatched tag) throws, so a test that parses has also checked the file is XML.

import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
}

export interface XmlDocument {
  version: string | undefined;
  encoding: string | undefined;
  root: XmlElement;
}

export function parseXml(xml: string): XmlDocument {
  const parser = new SaxesParser();
  let version: string | undefined;
  let encoding: string | undefined;
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];
  parser.on('xmldecl', (d) => {
    version = d.version;
    encoding = d.encoding;
  });
  parser.on('opentag', (tag) => {
    const el: XmlElement = {
      name: tag.name,
      attributes: { ...(tag.attributes as Record<string, string>) },
      children: [],
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(el);
    else root = el;
    if (!tag.isSelfClosing) stack.push(el);
  });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) stack.pop();
  });
  parser.on('text', (text) => {
    if (text.trim() !== '') throw new Error(`unexpected text ${JSON.stringify(text)}`);
  });
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return { version, encoding, root };
}

/** The only child named `name`; throws when there are none or several. */
export function child(el: XmlElement, name: string): XmlElement {
  const found = children(el, name);
  if (found.length !== 1) throw new Error(`${el.name} has ${found.length} <${name}> children, expected 1`);
  return found[0]!;
}

export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** The attribute, or a thrown error naming what is missing. */
export function attr(el: XmlElement, name: string): string {
  const v = el.attributes[name];
  if (v === undefined) throw new Error(`<${el.name}> has no ${name}`);
  return v;
}
