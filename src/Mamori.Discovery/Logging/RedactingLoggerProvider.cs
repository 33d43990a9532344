using System.Collections;
using System.Globalization;
using System.Text;
using Mamori.Discovery.Redaction;
using Microsoft.Extensions.Logging;

namespace Mamori.Discovery.Logging;

/// <summary>
/// Wraps any <see cref="ILoggerProvider"/> so that every formatted message, structured value, scope and exception message is
/// scanned and redacted before the inner provider sees it. For apps that log free text without data classification:
/// <c>LoggerFactory.Create(b =&gt; b.AddProvider(new RedactingLoggerProvider(new ConsoleLoggerProvider(...))))</c>.
/// The inner provider still gets the message's structure (its named values and <c>{OriginalFormat}</c>, for JSON and
/// OpenTelemetry exporters) and the exception's type, stack trace and inner exceptions; only the texts are redacted.
/// </summary>
public sealed class RedactingLoggerProvider(ILoggerProvider inner, TextRedactor? redactor = null) : ILoggerProvider
{
    private readonly ILoggerProvider inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly TextRedactor redactor = redactor ?? new TextRedactor();

    public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName), redactor);

    public void Dispose() => inner.Dispose();

    private sealed class RedactingLogger(ILogger inner, TextRedactor redactor) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            state is IEnumerable<KeyValuePair<string, object?>> values
                ? inner.BeginScope(RedactedState.Of(redactor.Redact(state.ToString() ?? string.Empty), values, redactor))
                : inner.BeginScope(redactor.Redact(state.ToString() ?? string.Empty));

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            // The formatter is given no exception: the message is the state's, and the exception goes separately, redacted.
            var message = redactor.Redact(formatter(state, null));
            var redacted = RedactedState.Of(message, state as IEnumerable<KeyValuePair<string, object?>> ?? [], redactor);
            inner.Log(logLevel, eventId, redacted, exception is null ? null : RedactedException.Of(exception, redactor), static (s, _) => s.Message);
        }
    }

    /// <summary>The message and its named values, redacted; the template (<c>{OriginalFormat}</c>) is the developer's text and kept.</summary>
    private sealed class RedactedState(string message, IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private const string OriginalFormat = "{OriginalFormat}";

        public string Message { get; } = message;

        public static RedactedState Of(string message, IEnumerable<KeyValuePair<string, object?>> values, TextRedactor redactor) =>
            new(message, [.. values.Select(kv => kv.Key == OriginalFormat ? kv : new KeyValuePair<string, object?>(kv.Key, Value(kv.Value, redactor)))]);

        /// <summary>A value keeps its type when nothing in it is detected (a count stays a number); otherwise its redacted text.</summary>
        private static object? Value(object? value, TextRedactor redactor)
        {
            if (value is null or bool or Enum) return value;
            var text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            var redacted = redactor.Redact(text);
            return redacted == text ? value : redacted;
        }

        public KeyValuePair<string, object?> this[int index] => values[index];
        public int Count => values.Count;
        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
        public override string ToString() => Message;
    }

    /// <summary>
    /// An exception as the inner provider may see it: the original's type name, stack trace and inner exceptions, with every
    /// message redacted (an exception message often quotes the input that failed).
    /// </summary>
    private sealed class RedactedException : Exception
    {
        private readonly string typeName;
        private readonly string? stackTrace;

        private RedactedException(string typeName, string message, string? stackTrace, Exception? inner) : base(message, inner)
        {
            this.typeName = typeName;
            this.stackTrace = stackTrace;
        }

        public static RedactedException Of(Exception e, TextRedactor redactor) =>
            new(e.GetType().FullName ?? e.GetType().Name, redactor.Redact(e.Message), e.StackTrace, e.InnerException is { } i ? Of(i, redactor) : null);

        public override string? StackTrace => stackTrace;

        /// <summary>As <see cref="Exception.ToString"/> words it, under the original type's name.</summary>
        public override string ToString()
        {
            var sb = new StringBuilder(typeName);
            if (Message.Length > 0) sb.Append(": ").Append(Message);
            if (InnerException is not null)
                sb.Append(" ---> ").Append(InnerException).AppendLine().Append("   --- End of inner exception stack trace ---");
            if (stackTrace is not null) sb.AppendLine().Append(stackTrace);
            return sb.ToString();
        }
    }
}
