using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ResNetGen.Generator
{
    /// <summary>
    /// Writes generated C#: indented lines, braces opened and closed by <c>using</c> blocks, and interpolated lines whose
    /// numbers are always formatted in the invariant culture, whatever the culture of the machine that compiles.
    /// </summary>
    /// <example>
    /// <code>
    /// using (w.Block($"public void Forward({parameters})"))
    /// {
    ///     w.Line($"{Kernels}.MaxPool.Forward(batch: {batch}, ...);");
    /// }
    /// </code>
    /// </example>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _builder = new();
        private int _indent;

        /// <summary>Writes one line at the current indentation (an empty line has no indentation).</summary>
        public void Line(string text = "")
        {
            if (text.Length > 0)
            {
                _builder.Append(' ', _indent * 4);
            }

            _builder.Append(text).Append('\n');
        }

        /// <summary>Writes one interpolated line, formatting every value in the invariant culture.</summary>
        public void Line(ref Text text) => Line(text.ToStringAndClear());

        /// <summary>
        /// Writes each line of a multi-line template (typically a raw string literal) at the current indentation,
        /// keeping the template's own relative indentation.
        /// </summary>
        public void Lines(string template)
        {
            foreach (string line in template.Replace("\r\n", "\n").Split('\n'))
            {
                Line(line);
            }
        }

        /// <summary>Writes an interpolated multi-line template as <see cref="Lines(string)"/> does, formatting every value in the invariant culture.</summary>
        public void Lines(ref Text template) => Lines(template.ToStringAndClear());

        /// <summary>Writes <paramref name="header"/> and an opening brace; disposing the result writes the closing brace.</summary>
        public Scope Block(string header, string closing = "}")
        {
            Line(header);
            Line("{");
            _indent++;
            return new Scope(this, closing);
        }

        /// <summary>Writes an interpolated header and an opening brace; disposing the result writes the closing brace.</summary>
        public Scope Block(ref Text header, string closing = "}") => Block(header.ToStringAndClear(), closing);

        /// <summary>Indents the lines written until the result is disposed (continuation lines of a long call).</summary>
        public Scope Indented()
        {
            _indent++;
            return new Scope(this, closing: null);
        }

        public override string ToString() => _builder.ToString();

        /// <summary>Closes what <see cref="Block(string, string)"/> or <see cref="Indented"/> opened.</summary>
        public readonly struct Scope : IDisposable
        {
            private readonly SourceWriter _writer;
            private readonly string? _closing;

            internal Scope(SourceWriter writer, string? closing)
            {
                _writer = writer;
                _closing = closing;
            }

            public void Dispose()
            {
                _writer._indent--;
                if (_closing is not null)
                {
                    _writer.Line(_closing);
                }
            }
        }

        /// <summary>An interpolated string formatted in the invariant culture: <c>{1.5}</c> is always "1.5", <c>{1000:N0}</c> "1,000".</summary>
        [InterpolatedStringHandler]
        public ref struct Text
        {
            private readonly StringBuilder _text;

            public Text(int literalLength, int formattedCount) => _text = new StringBuilder(literalLength + (formattedCount * 8));

            public void AppendLiteral(string value) => _text.Append(value);

            public void AppendFormatted(string? value) => _text.Append(value);

            public void AppendFormatted<T>(T value) => AppendFormatted(value, format: null);

            public void AppendFormatted<T>(T value, string? format) =>
                _text.Append(value is IFormattable formattable ? formattable.ToString(format, CultureInfo.InvariantCulture) : value?.ToString());

            internal string ToStringAndClear()
            {
                string text = _text.ToString();
                _text.Clear();
                return text;
            }
        }
    }
}
