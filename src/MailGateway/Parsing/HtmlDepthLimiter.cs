using System.Text;
using HtmlAgilityPack;

namespace ClpMailGateway.Parsing;

/// <summary>
/// Rewrites an HTML document, in one linear pass over its tags, into a form HtmlAgilityPack reads in linear time: every
/// element closed in order, at most <c>maxDepth</c> levels deep, attributes quoted, comments and declarations dropped,
/// every other <c>&lt;</c> escaped. HtmlAgilityPack's parser walks every ancestor of each node it appends (and recurses
/// through them), and closing a misnested element walks all of its children: on nested or misnested input both cost the
/// square of the size, and a deep enough document overflows the stack. The start and end tags nested below the limit
/// are dropped (their text stays, a dropped block still ends a line); with a limit of 0 only void elements
/// (<c>br</c>, <c>img</c>, <c>hr</c>) remain, so nothing can nest at all.
/// </summary>
internal static class HtmlDepthLimiter
{
    /// <summary>Parent elements HtmlAgilityPack closes by itself when one of these elements starts inside them (its
    /// implicit and explicit end rules). The rewrite closes them first, as the parser would have, so that the parser never
    /// takes its own way there, which costs it time in proportion to the document for each such start.</summary>
    private static readonly Dictionary<string, HashSet<string>> ClosedByStart = new(StringComparer.Ordinal)
    {
        ["a"] = ["a"],
        ["dd"] = ["dt", "dd"],
        ["dt"] = ["dt", "dd"],
        ["li"] = ["li"],
        ["option"] = ["option"],
        ["p"] =
        [
            "address", "article", "aside", "blockquote", "dir", "div", "dl", "fieldset", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
            "header", "hr", "li", "menu", "nav", "ol", "p", "pre", "section", "table", "ul",
        ],
        ["title"] = ["title"],
        ["table"] = ["table"],
        ["tr"] = ["tr", "thead", "tbody", "tfoot"],
        ["thead"] = ["tbody", "tfoot"],
        ["tbody"] = ["tbody", "tfoot"],
        ["caption"] = ["tr", "thead", "tbody", "tfoot", "colgroup"],
        ["colgroup"] = ["tr", "thead", "tbody", "tfoot"],
        ["td"] = ["td", "th", "tr", "tbody", "tfoot"],
        ["th"] = ["td", "th", "tr", "tbody", "tfoot"],
        ["h1"] = ["h2", "h3", "h4", "h5"],
        ["h2"] = ["h1", "h3", "h4", "h5"],
        ["h3"] = ["h1", "h2", "h4", "h5"],
        ["h4"] = ["h1", "h2", "h3", "h5"],
        ["h5"] = ["h1", "h2", "h3", "h4"],
    };

    /// <summary>The rewritten document, and whether tags were dropped for depth.</summary>
    public readonly record struct Limited(string Html, bool Flattened);

    /// <param name="maxDepth">Open elements kept at once; 0 flattens the whole document.</param>
    public static Limited Limit(string html, int maxDepth, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(html);
        var scan = new Scan(html, maxDepth, cancellationToken);
        scan.Run();
        return new Limited(scan.Output.ToString(), scan.Flattened);
    }

    private sealed class Scan(string html, int maxDepth, CancellationToken cancellationToken)
    {
        private readonly List<string> _open = [];
        private readonly Dictionary<string, int> _openCount = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _droppedCount = new(StringComparer.Ordinal);
        private bool _lastWasBreak;

        public StringBuilder Output { get; } = new(html.Length + 64);

        public bool Flattened { get; private set; }

        public void Run()
        {
            var i = 0;
            var tags = 0;
            while (i < html.Length)
            {
                var lt = html.IndexOf('<', i);
                if (lt < 0)
                {
                    Text(i, html.Length);
                    break;
                }

                Text(i, lt);
                if ((++tags & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                var next = lt + 1 < html.Length ? html[lt + 1] : '\0';
                if (next is '!' or '?')
                {
                    i = Declaration(lt);
                }
                else if (next == '/' && lt + 2 < html.Length && char.IsAsciiLetter(html[lt + 2]))
                {
                    i = EndTag(lt);
                }
                else if (char.IsAsciiLetter(next))
                {
                    i = StartTag(lt);
                }
                else
                {
                    Output.Append("&lt;");
                    i = lt + 1;
                }
            }

            for (var j = _open.Count - 1; j >= 0; j--)
            {
                Output.Append("</").Append(_open[j]).Append('>');
            }
        }

        private void Text(int start, int end)
        {
            if (end > start)
            {
                var text = html.AsSpan(start, end - start);
                Output.Append(text);
                _lastWasBreak &= text.IsWhiteSpace();
            }
        }

        /// <summary>A comment (to <c>--&gt;</c>), a doctype, a conditional-comment marker or a processing instruction
        /// (to <c>&gt;</c>): none of them is text.</summary>
        private int Declaration(int lt)
        {
            if (string.CompareOrdinal(html, lt, "<!--", 0, 4) == 0)
            {
                var close = html.IndexOf("-->", lt + 4, StringComparison.Ordinal);
                return close < 0 ? html.Length : close + 3;
            }

            var end = html.IndexOf('>', lt + 2);
            return end < 0 ? html.Length : end + 1;
        }

        private int StartTag(int lt)
        {
            var name = Name(lt + 1, out var at);
            var attributes = new StringBuilder();
            var selfClosing = false;
            while (at < html.Length)
            {
                var c = html[at];
                if (c == '>')
                {
                    at++;
                    break;
                }

                if (char.IsWhiteSpace(c) || c == '/')
                {
                    selfClosing = c == '/';
                    at++;
                    continue;
                }

                selfClosing = false;
                at = Attribute(at, attributes);
            }

            CloseParentsEndedBy(name);
            if (HtmlNode.IsEmptyElement(name))
            {
                Output.Append('<').Append(name).Append(attributes).Append('>');
                _lastWasBreak = false;
                return at;
            }

            if (HtmlNode.IsCDataElement(name))
            {
                // Raw content up to its own end tag, as the parser reads it. Scripts, styles and titles are never text;
                // a text area's content is.
                var close = html.IndexOf("</" + name, at, StringComparison.OrdinalIgnoreCase);
                var contentEnd = close < 0 ? html.Length : close;
                if (name == "textarea")
                {
                    Output.Append(html.AsSpan(at, contentEnd - at).ToString().Replace("<", "&lt;", StringComparison.Ordinal));
                }

                if (close < 0)
                {
                    return html.Length;
                }

                var closeEnd = html.IndexOf('>', close);
                return closeEnd < 0 ? html.Length : closeEnd + 1;
            }

            if (_open.Count >= maxDepth)
            {
                Flattened |= maxDepth > 0;
                if (!selfClosing)
                {
                    _droppedCount[name] = _droppedCount.GetValueOrDefault(name) + 1;
                }

                DroppedBlock(name);
                return at;
            }

            Output.Append('<').Append(name).Append(attributes).Append('>');
            if (selfClosing)
            {
                Output.Append("</").Append(name).Append('>');
                return at;
            }

            _open.Add(name);
            _openCount[name] = _openCount.GetValueOrDefault(name) + 1;
            _lastWasBreak = false;
            return at;
        }

        private void CloseParentsEndedBy(string name)
        {
            while (_open.Count > 0 && ClosedByStart.TryGetValue(_open[^1], out var closers) && closers.Contains(name))
            {
                Pop();
            }
        }

        private string Pop()
        {
            var top = _open[^1];
            _open.RemoveAt(_open.Count - 1);
            _openCount[top]--;
            Output.Append("</").Append(top).Append('>');
            return top;
        }

        /// <summary>One attribute, written quoted to <paramref name="attributes"/> when its name is a plain one.</summary>
        private int Attribute(int at, StringBuilder attributes)
        {
            var start = at;
            while (at < html.Length && !char.IsWhiteSpace(html[at]) && html[at] is not ('=' or '>' or '/'))
            {
                at++;
            }

            var name = html.AsSpan(start, at - start);
            if (at == start)
            {
                // A stray '=' where a name should be.
                at++;
            }

            var valueStart = -1;
            var valueEnd = -1;
            var look = at;
            while (look < html.Length && char.IsWhiteSpace(html[look]))
            {
                look++;
            }

            if (look < html.Length && html[look] == '=')
            {
                at = look + 1;
                while (at < html.Length && char.IsWhiteSpace(html[at]))
                {
                    at++;
                }

                if (at < html.Length && html[at] is '"' or '\'')
                {
                    var close = html.IndexOf(html[at], at + 1);
                    valueStart = at + 1;
                    valueEnd = close < 0 ? html.Length : close;
                    at = close < 0 ? html.Length : close + 1;
                }
                else
                {
                    valueStart = at;
                    while (at < html.Length && !char.IsWhiteSpace(html[at]) && html[at] != '>')
                    {
                        at++;
                    }

                    valueEnd = at;
                }
            }

            if (IsPlainName(name))
            {
                attributes.Append(' ').Append(name);
                if (valueStart >= 0)
                {
                    attributes.Append("=\"").Append(html.AsSpan(valueStart, valueEnd - valueStart).ToString().Replace("\"", "&quot;", StringComparison.Ordinal)).Append('"');
                }
            }

            return at;
        }

        private static bool IsPlainName(ReadOnlySpan<char> name)
        {
            if (name.IsEmpty || !(char.IsAsciiLetter(name[0]) || name[0] is '_' or ':'))
            {
                return false;
            }

            foreach (var c in name)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or ':' or '-' or '.'))
                {
                    return false;
                }
            }

            return true;
        }

        private int EndTag(int lt)
        {
            var name = Name(lt + 2, out var at);
            var end = html.IndexOf('>', at);
            end = end < 0 ? html.Length : end + 1;
            if (_droppedCount.TryGetValue(name, out var dropped) && dropped > 0)
            {
                _droppedCount[name] = dropped - 1;
                DroppedBlock(name);
            }
            else if (_openCount.TryGetValue(name, out var open) && open > 0)
            {
                // Closes the nearest open element of that name, and whatever was left open inside it.
                while (_open.Count > 0 && Pop() != name)
                {
                }

                _lastWasBreak = false;
            }

            return end;
        }

        /// <summary>The lower-case tag name from <paramref name="start"/>; <paramref name="after"/> is where it ends.</summary>
        private string Name(int start, out int after)
        {
            after = start;
            while (after < html.Length && !char.IsWhiteSpace(html[after]) && html[after] is not ('/' or '>'))
            {
                after++;
            }

            return html[start..after].ToLowerInvariant();
        }

        /// <summary>A dropped block still ends a line; a run of them with nothing between is one line end, not one per
        /// tag (each node the parser appends down there would cost it a walk up the kept levels).</summary>
        private void DroppedBlock(string name)
        {
            if (HtmlReplyConverter.IsBlock(name) && !_lastWasBreak)
            {
                Output.Append(HtmlReplyConverter.DroppedBlock);
                _lastWasBreak = true;
            }
        }
    }
}
