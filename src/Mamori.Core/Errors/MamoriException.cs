namespace Mamori.Errors;

/// <summary>
/// An expected failure with a stable code. The message is shown to callers and logged, so it must
/// never contain personal data: name fields and ids, not values.
/// </summary>
public class MamoriException(ErrorCode code, string message, int status = 400) : Exception(message)
{
    public ErrorCode Code { get; } = code;

    /// <summary>The HTTP status this failure maps to.</summary>
    public int Status { get; } = status;

    /// <summary>
    /// Which rule failed, when one code covers several (<c>email</c>, <c>too-long</c>, <c>contact</c>): a stable key that lets a
    /// page say it in the reader's language (<c>Web/FormErrors.cs</c>). Never a value the caller sent.
    /// </summary>
    public string? Reason { get; init; }

    /// <summary>Ids that complete <see cref="Reason"/>: a field name, a limit, a channel or kind id. Never a value the caller sent.</summary>
    public IReadOnlyList<string> ReasonArgs { get; init; } = [];

    public static MamoriException NotFound(string what) => new(ErrorCode.NotFound, $"{what} was not found.", 404);

    public static MamoriException Invalid(string message) => new(ErrorCode.InvalidValue, message);

    public static MamoriException Forbidden(string message) => new(ErrorCode.Forbidden, message, 403);

    public static MamoriException Conflict(string message) => new(ErrorCode.Conflict, message, 409);
}
