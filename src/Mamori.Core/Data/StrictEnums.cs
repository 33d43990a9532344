using System.Linq.Expressions;
using Mamori.Errors;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Mamori.Data;

/// <summary>
/// Every enum column reads back only as a member its enum declares. EF's own conversions read an unknown name
/// as the enum's first member (an incident in an unknown status became <c>Open</c>) and an unknown number as an
/// undeclared value that code then trips over (a request status a state machine has no entry for). A row written
/// by a newer version, or edited by hand, now fails the read with <see cref="UnknownStoredValueException"/>,
/// naming the column and never deciding the value for the reader.
/// </summary>
internal static class StrictEnums
{
    /// <summary>Replaces the conversion of every enum property: by name where the model stores the name, else by number.</summary>
    public static void Apply(IMutableModel model)
    {
        // Audit events are the exception: servers of several versions append to one chain, and every reader of it (verification,
        // the log pages, AuditCodeNames) takes a code it does not know as its number. Failing the read would stop verification.
        foreach (var property in model.GetEntityTypes().Where(t => t.ClrType != typeof(Audit.AuditEvent)).SelectMany(t => t.GetDeclaredProperties()))
        {
            var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
            if (!type.IsEnum) continue;
            var column = $"{property.DeclaringType.ClrType.Name}.{property.Name}";
            // HasConversion<string>() sets only the provider type; EF picks its (lenient) converter later.
            if (property.GetValueConverter() is not null) continue;
            var converter = property.GetProviderClrType() switch
            {
                null => (ValueConverter)Activator.CreateInstance(typeof(ByNumber<,>).MakeGenericType(type, Enum.GetUnderlyingType(type)), column)!,
                var t when t == typeof(string) => (ValueConverter)Activator.CreateInstance(typeof(ByName<>).MakeGenericType(type), column)!,
                _ => null,
            };
            if (converter is not null) property.SetValueConverter(converter);
        }
    }

    /// <summary>Stored as the member's name, exactly as <see cref="Enum.ToString()"/> wrote it.</summary>
    private sealed class ByName<TEnum>(string column) : ValueConverter<TEnum, string>(
        v => v.ToString(), v => Read(v, column)) where TEnum : struct, Enum
    {
        private static readonly Dictionary<string, TEnum> Names = Enum.GetValues<TEnum>().ToDictionary(v => v.ToString(), StringComparer.Ordinal);

        private static TEnum Read(string stored, string column) =>
            Names.TryGetValue(stored, out var value) ? value : throw new UnknownStoredValueException(column);
    }

    /// <summary>Stored as the member's number (<typeparamref name="TNumber"/> is the enum's underlying type).</summary>
    private sealed class ByNumber<TEnum, TNumber>(string column) : ValueConverter<TEnum, TNumber>(ToNumber(), FromNumber(column))
        where TEnum : struct, Enum where TNumber : struct
    {
        private static readonly bool IsFlags = typeof(TEnum).IsDefined(typeof(FlagsAttribute), false);
        private static readonly ulong AllFlags = Enum.GetValues<TEnum>().Aggregate(0UL, (all, v) => all | Convert.ToUInt64(v, System.Globalization.CultureInfo.InvariantCulture));

        private static Expression<Func<TEnum, TNumber>> ToNumber()
        {
            var v = Expression.Parameter(typeof(TEnum), "v");
            return Expression.Lambda<Func<TEnum, TNumber>>(Expression.Convert(v, typeof(TNumber)), v);
        }

        private static Expression<Func<TNumber, TEnum>> FromNumber(string column) => v => Read(v, column);

        private static TEnum Read(TNumber stored, string column)
        {
            var value = (TEnum)Enum.ToObject(typeof(TEnum), stored);
            // A [Flags] value is any combination of declared bits.
            var known = IsFlags
                ? (Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture) & ~AllFlags) == 0
                : Enum.IsDefined(value);
            return known ? value : throw new UnknownStoredValueException(column);
        }
    }
}

/// <summary>
/// A stored enum column holds a value this version does not declare: a row written by a newer version of Mamori, or
/// changed by hand. The message names the column, not the value: a column edited by hand could hold anything.
/// </summary>
public sealed class UnknownStoredValueException(string column)
    : MamoriException(ErrorCode.UnknownStoredValue,
        $"A stored record's {column} holds a value this version of Mamori does not know (written by a newer version, or changed by hand); it is not read as another value.",
        409)
{
    public string Column { get; } = column;
}
