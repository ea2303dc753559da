using System;
using System.Collections.Generic;
using System.Linq;

namespace Gen.Dsl;

/// <summary>
/// The names an enumeration's values have in documents, fixed here rather than taken from the C# member names, so
/// renaming a member does not change the format.
/// </summary>
/// <typeparam name="TEnum">The enumeration.</typeparam>
internal sealed class StableNames<TEnum>
    where TEnum : struct, Enum
{
    private readonly Dictionary<TEnum, string> names;
    private readonly Dictionary<string, TEnum> values;

    /// <summary>Creates the table; every defined value must have exactly one name.</summary>
    public StableNames(params (TEnum Value, string Name)[] pairs)
    {
        names = pairs.ToDictionary(p => p.Value, p => p.Name);
        values = pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        var missing = Enum.GetValues<TEnum>().Where(v => !names.ContainsKey(v)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"{typeof(TEnum).Name} values without a JSON name: {string.Join(", ", missing)}.");
        }
    }

    /// <summary>The name of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined member.</exception>
    public string Name(TEnum value) =>
        names.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(TEnum).Name} has no member {value}.");

    /// <summary>The value named <paramref name="name"/>, read at <paramref name="path"/>.</summary>
    /// <exception cref="GenCheckpointException">The name is unknown.</exception>
    public TEnum Parse(string name, string path) =>
        values.TryGetValue(name, out var value)
            ? value
            : throw JsonFields.Invalid(path, $"unknown value '{name}' (known: {string.Join(", ", values.Keys)}).");
}
