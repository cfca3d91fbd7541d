import { memo, useState, type ReactNode } from 'react';
import { parseMarkdown, type Block, type Inline } from './parse.ts';

/** Renders Markdown as React elements; never as HTML. */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return <div className="md">{parseMarkdown(text).map(renderBlock)}</div>;
});

function renderBlock(block: Block, key: number): ReactNode {
  switch (block.kind) {
    case 'paragraph':
      return <p key={key}>{block.children.map(renderInline)}</p>;
    case 'heading': {
      const Tag = `h${Math.min(6, block.level + 2)}` as 'h3' | 'h4' | 'h5' | 'h6';
      return (
        <Tag key={key} className={`md-h${block.level}`}>
          {block.children.map(renderInline)}
        </Tag>
      );
    }
    case 'code':
      return <CodeBlock key={key} lang={block.lang} text={block.text} />;
    case 'quote':
      return <blockquote key={key}>{block.children.map(renderBlock)}</blockquote>;
    case 'list': {
      const items = block.items.map((item, i) => <li key={i}>{renderItem(item)}</li>);
      return block.ordered ? (
        <ol key={key} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case 'rule':
      return <hr key={key} />;
  }
}

/** A list item that is a single paragraph renders tight, without a <p>. */
function renderItem(blocks: Block[]): ReactNode {
  const [first, ...rest] = blocks;
  if (first?.kind === 'paragraph') return [<span key="p">{first.children.map(renderInline)}</span>, ...rest.map((b, i) => renderBlock(b, i + 1))];
  return blocks.map(renderBlock);
}

function renderInline(node: Inline, key: number): ReactNode {
  switch (node.kind) {
    case 'text':
      return node.text;
    case 'code':
      return <code key={key}>{node.text}</code>;
    case 'strong':
      return <strong key={key}>{node.children.map(renderInline)}</strong>;
    case 'em':
      return <em key={key}>{node.children.map(renderInline)}</em>;
    case 'del':
      return <del key={key}>{node.children.map(renderInline)}</del>;
    case 'br':
      return <br key={key} />;
    case 'link':
      return (
        <a key={key} href={node.href} target="_blank" rel="noopener noreferrer nofollow">
          {node.children.map(renderInline)}
        </a>
      );
  }
}

function CodeBlock({ lang, text }: { lang: string; text: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(text).then(() => {
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    });
  };
  return (
    <div className="md-code">
      <div className="md-code-bar">
        <span>{lang || 'text'}</span>
        <button type="button" className="link-button" onClick={copy} aria-label="Copy code">
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      {/* Focusable so a keyboard can scroll a long line sideways. */}
      <pre tabIndex={0}>
        <code className={lang ? `language-${lang}` : undefined}>{text}</code>
      </pre>
    </div>
  );
}
