using Mamori.Discovery.Redaction;
using Microsoft.Extensions.Logging;

namespace Mamori.Discovery.Logging;

/// <summary>
/// Wraps any <see cref="ILoggerProvider"/> so that every formatted message (and exception text) is scanned
/// and redacted before the inner provider sees it. For apps that log free text without data classification:
/// <c>LoggerFactory.Create(b =&gt; b.AddProvider(new RedactingLoggerProvider(new ConsoleLoggerProvider(...))))</c>.
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
            inner.BeginScope(redactor.Redact(state.ToString() ?? string.Empty));

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            var message = redactor.Redact(formatter(state, exception));
            if (exception is not null)
                message = message + Environment.NewLine + redactor.Redact(exception.GetType().FullName + ": " + exception.Message) +
                          Environment.NewLine + exception.StackTrace;
            inner.Log(logLevel, eventId, message, null, static (s, _) => s);
        }
    }
}
