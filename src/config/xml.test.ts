import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseXml, xmlAttr, xmlAttrValue, xmlChild, xmlChildren, XmlError, type XmlElement } from './xml.js';

/** fast-check prints the seed of a failing run; FC_SEED=<seed> replays it. */
const replay = process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {};

function errorOf(text: string, limits?: Parameters<typeof parseXml>[1]): XmlError {
  try {
    parseXml(text, { file: 'cib.xml', ...limits });
  } catch (e) {
    if (e instanceof XmlError) return e;
    throw e;
  }
  throw new Error(`parsed without error: ${text}`);
}

describe('parseXml: well-formed documents', () => {
  it('reads elements, attributes and their positions', () => {
    const doc = parseXml('<?xml version="1.0"?>\n<cib epoch="3">\n  <configuration>\n    <nodes><node id="1" uname="n1"/></nodes>\n  </configuration>\n</cib>\n', { file: 'cib.xml' });
    expect(doc.root.name).toBe('cib');
    expect([doc.root.line, doc.root.column]).toEqual([2, 1]);
    expect(xmlAttr(doc.root, 'epoch')).toEqual({ name: 'epoch', value: '3', line: 2, column: 6 });
    const node = xmlChild(xmlChild(xmlChild(doc.root, 'configuration')!, 'nodes')!, 'node')!;
    expect([node.line, node.column]).toEqual([4, 12]);
    expect(xmlAttr(node, 'uname')).toMatchObject({ value: 'n1', line: 4, column: 25 });
  });

  it('decodes the predefined entities and character references, in text and attributes', () => {
    const doc = parseXml(`<a v="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;" w='say "hi"'>x &amp; y&#x1F600;</a>`);
    expect(xmlAttrValue(doc.root, 'v')).toBe(`<>&"'AB`);
    expect(xmlAttrValue(doc.root, 'w')).toBe('say "hi"');
    expect(doc.root.text).toBe('x & y\u{1F600}');
  });

  it('normalises tab, CR and LF in attribute values to spaces (XML 1.0 §3.3.3)', () => {
    expect(xmlAttrValue(parseXml('<a v="x\ty\nz"/>').root, 'v')).toBe('x y z');
  });

  it('skips comments and processing instructions and keeps CDATA as text', () => {
    const doc = parseXml('<!-- head --><?pi data?><r><!-- in --><![CDATA[<raw> & ]]><c/><?x y?></r><!-- tail -->');
    expect(doc.root.text).toBe('<raw> & ');
    expect(doc.root.children.map((c) => c.name)).toEqual(['c']);
  });

  it('accepts a byte-order mark, whitespace around the root and both quote kinds', () => {
    const doc = parseXml("\uFEFF<?xml version='1.0'?>\n\n<r a = 'x' b=\"y\" ></r >\n");
    expect(doc.root.attributes.map((a) => a.value)).toEqual(['x', 'y']);
  });

  it('reads children in order, with names that have dashes, dots and colons', () => {
    const doc = parseXml('<r><meta_attributes id="m"/><nvpair name="x"/><op-x/><a.b/><ns:c/></r>');
    expect(doc.root.children.map((c: XmlElement) => c.name)).toEqual(['meta_attributes', 'nvpair', 'op-x', 'a.b', 'ns:c']);
    expect(xmlChildren(doc.root, 'nvpair')).toHaveLength(1);
  });
});

describe('parseXml: malformed documents give one located error', () => {
  const cases: [string, string, string, number, number][] = [
    ['unclosed element', '<a>\n  <b>\n</a>', 'does not match <b>', 3, 1],
    ['never closed root', '<a>\n<b/>', '<a> (line 1) is never closed', 2, 5],
    ['stray end tag', '<a/></b>', 'closes nothing', 1, 5],
    ['two roots', '<a/>\n<b/>', 'second root', 2, 1],
    ['text outside root', '<a/> junk', 'text outside the root', 1, 6],
    ['unquoted value', '<a x=1/>', "the value of 'x' must be quoted", 1, 6],
    ['missing =', '<a x/>', 'has no value', 1, 5],
    ['duplicate attribute', '<a x="1"\n   x="2"/>', "'x' appears twice", 2, 4],
    ['unclosed value', '<a x="1/>', 'never closed', 1, 6],
    ['< in value', '<a x="a<b"/>', "'<' is not allowed", 1, 8],
    ['unknown entity', '<a>&nbsp;</a>', "unknown entity '&nbsp;'", 1, 4],
    ['bare ampersand', '<a>fish & chips</a>', "'&' must start", 1, 9],
    ['bad char ref', '<a>&#0;</a>', 'not a valid XML character', 1, 4],
    ['unclosed comment', '<a><!-- x </a>', 'comment is never closed', 1, 4],
    ['double dash in comment', '<a><!-- x -- y --></a>', "'--' is not allowed", 1, 11],
    ['unclosed CDATA', '<a><![CDATA[x</a>', 'CDATA section is never closed', 1, 4],
    ['unclosed PI', '<?xml version="1.0"', 'never closed', 1, 1],
    ['late XML declaration', '<a/><?xml version="1.0"?>', 'must come first', 1, 5],
    ['no root', '<!-- only -->', 'no root element', 1, 14],
    ['empty', '', 'no root element', 1, 1],
    ['bad name', '<1a/>', "expected element name, found '1'", 1, 2],
    ['attrs without space', '<a x="1"y="2"/>', 'expected whitespace', 1, 9],
    ['control character', '<a>\u0001</a>', 'U+0001 is not allowed', 1, 4],
    ['end of input in tag', '<a x="1"', 'tag is never closed', 1, 9],
    [']]> in text', '<a>x]]></a>', "']]>' is not allowed", 1, 5],
  ];
  for (const [what, text, message, line, column] of cases) {
    it(what, () => {
      const e = errorOf(text);
      expect(e.message).toContain(message);
      expect(e.location).toEqual({ file: 'cib.xml', line, column });
      expect(e.message.startsWith(`cib.xml:${line}:${column}: `)).toBe(true);
    });
  }

  it('refuses a DOCTYPE, so no entity is ever expanded (billion laughs)', () => {
    const e = errorOf('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>\n<lolz>&lol2;</lolz>');
    expect(e.code).toBe('xml-dtd');
    expect(e.location).toMatchObject({ line: 2, column: 1 });
  });
});

describe('parseXml: limits', () => {
  it('bounds depth without using the JS stack', () => {
    const deep = '<a>'.repeat(100_000) + '</a>'.repeat(100_000);
    const e = errorOf(deep);
    expect(e.code).toBe('xml-limit');
    expect(e.message).toContain('nested deeper than 128');
    expect(parseXml('<a>'.repeat(500) + '</a>'.repeat(500), { limits: { maxDepth: 500 } }).root.name).toBe('a');
  });

  it('bounds size, attribute count and element count', () => {
    expect(errorOf('<a/>'.padEnd(100), { limits: { maxBytes: 50 } }).message).toContain('over the limit of 50');
    const attrs = Array.from({ length: 300 }, (_, i) => `a${i}="x"`).join(' ');
    expect(errorOf(`<e ${attrs}/>`).message).toContain('more than 256 attributes on <e>');
    expect(errorOf(`<r>${'<n/>'.repeat(20)}</r>`, { limits: { maxElements: 10 } }).message).toContain('more than 10 elements');
  });

  it('parses 10,000 sibling elements quickly', () => {
    const text = `<nodes>\n${Array.from({ length: 10_000 }, (_, i) => `  <node id="${i}" uname="n${i}"/>`).join('\n')}\n</nodes>`;
    const doc = parseXml(text);
    expect(doc.root.children).toHaveLength(10_000);
    expect(doc.root.children[9_999]).toMatchObject({ line: 10_001, column: 3 });
  });
});

describe('parseXml: fuzz', () => {
  const fragments = ['<a>', '</a>', '<b x="1">', '</b>', '<c/>', '&amp;', '&', '&#x41;', '&bogus;', '<!--', '-->', '<![CDATA[', ']]>', '<?p ?>', '"', "'", '=', ' ', '\n', 'text', '<', '>', '/', '<!DOCTYPE x>', '\u0000', 'é', 'y="2"'];
  const doc = fc.oneof(
    fc.array(fc.constantFrom(...fragments), { maxLength: 40 }).map((p) => p.join('')),
    fc.string({ maxLength: 200 }),
    fc.tuple(fc.string({ maxLength: 40 }), fc.nat(60)).map(([s, cut]) => `<r a="1"><n id="x">${s}</n></r>`.slice(0, cut + 10)),
  );

  it('never throws anything but a located XmlError, and always ends', () => {
    fc.assert(
      fc.property(doc, (text) => {
        try {
          const parsed = parseXml(text, { file: 'f.xml' });
          expect(parsed.root.name.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(XmlError);
          const err = e as XmlError;
          expect(err.location?.file).toBe('f.xml');
          expect(err.location?.line).toBeGreaterThanOrEqual(1);
          expect(err.location?.column).toBeGreaterThanOrEqual(1);
          expect(err.message).toMatch(/^f\.xml:\d+:\d+: /);
        }
      }),
      { numRuns: 3000, ...replay },
    );
  });

  it('round-trips generated trees: names, attribute values and nesting survive serialisation', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_.-]{0,6}$/);
    const value = fc.string({ maxLength: 12 });
    const treeOf = (depth: number): fc.Arbitrary<Tree> =>
      fc.record({
        name,
        attrs: fc.uniqueArray(fc.tuple(name, value), { maxLength: 4, selector: (p) => p[0] }),
        kids: depth === 0 ? fc.constant([]) : fc.array(treeOf(depth - 1), { maxLength: 3 }),
      });
    const tree = treeOf(3);
    fc.assert(
      fc.property(tree, (t) => {
        // eslint-disable-next-line no-control-regex
        fc.pre(!/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\t\r\n]/.test(JSON.stringify(t)) && !/[\uD800-\uDFFF]/.test(JSON.stringify(t)));
        expect(strip(parseXml(serialise(t)).root)).toEqual(t);
      }),
      { numRuns: 500, ...replay },
    );
  });
});

interface Tree { name: string; attrs: [string, string][]; kids: Tree[] }

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}
function serialise(t: Tree): string {
  const attrs = t.attrs.map(([k, v]) => ` ${k}="${escape(v)}"`).join('');
  return t.kids.length ? `<${t.name}${attrs}>${t.kids.map(serialise).join('\n')}</${t.name}>` : `<${t.name}${attrs}/>`;
}
function strip(el: XmlElement): Tree {
  return { name: el.name, attrs: el.attributes.map((a) => [a.name, a.value]), kids: el.children.map(strip) };
}
