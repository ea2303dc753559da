using System;
using System.Linq;

namespace HostileProbes.Specs;

/// <summary>
/// A hostile value for one place, as raw JSON text (which may be no valid JSON at all, such as <c>NaN</c>), the C#
/// expression that makes the same text (for reproductions), and the words a clear message would use for it: the value as
/// written, or its kind.
/// </summary>
internal sealed record RawValue(string Label, Func<string> Text, string CSharp, string[] Names)
{
    private const int HugeCount = 200_000;
    private const int LongString = 100_000;

    /// <summary>Values for a scalar place: numbers at and past every limit, non-numbers, wrong kinds, huge containers.</summary>
    public static readonly RawValue[] ForScalars =
    {
        Number("0"), Number("-1"), Number("65537"), Number("1000000000"), Number("2147483647"), Number("2147483648"),
        Number("-2147483648"), Number("9223372036854775808"), Number("1e308", "1E+308"), Number("0.5"),
        new("NaN token", () => "NaN", "\"NaN\"", new[] { "not valid JSON" }),
        new("Infinity token", () => "Infinity", "\"Infinity\"", new[] { "not valid JSON" }),
        Quoted("\"NaN\""), Quoted("\"a string\""), Quoted("\"\""),
        new("lone surrogate", () => "\"\\ud800\"", "\"\\\"\\\\ud800\\\"\"", new[] { "ud800", "surrogate", "not valid JSON" }),
        new($"string of {LongString} characters", () => "\"" + new string('x', LongString) + "\"", $"\"\\\"\" + new string('x', {LongString}) + \"\\\"\"", new[] { "xxxxxxxxxx" }),
        Kind("null", "null"), Kind("true", "true"), Kind("{}", "an object", "{}"), Kind("[]", "an array", "[]", "empty", "at least one"),
        new($"array of {HugeCount} zeros", () => "[" + string.Join(",", Enumerable.Repeat("0", HugeCount)) + "]",
            $"\"[\" + string.Join(\",\", Enumerable.Repeat(\"0\", {HugeCount})) + \"]\"", new[] { "an array", HugeCount.ToString(System.Globalization.CultureInfo.InvariantCulture), "[0]", "[0, 0, 0" }),
        new("arrays nested 100 deep", () => new string('[', 100) + new string(']', 100), "new string('[', 100) + new string(']', 100)", new[] { "not valid JSON", "depth", "an array" }),
    };

    /// <summary>Values for an object or array place: the wrong kinds.</summary>
    public static readonly RawValue[] ForContainers =
    {
        Kind("null", "null"), Kind("0", "0"), Quoted("\"a string\""), Kind("true", "true"), Kind("[]", "an array", "[]", "empty", "at least one"), Kind("{}", "an object", "{}", "missing"),
    };

    // A number as written, and as .NET prints it once read as a double (9223372036854775808 reads back as 9.223372036854776E+18).
    private static RawValue Number(string text, params string[] more)
    {
        var value = double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        var printed = new[] { value.ToString(System.Globalization.CultureInfo.InvariantCulture), value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) };
        return new(text, () => text, Quote(text), new[] { text }.Concat(more).Concat(printed).Distinct().ToArray());
    }

    // A string as written, and bare or single-quoted as messages quote it ("" reads back as '').
    private static RawValue Quoted(string json)
    {
        var bare = json.Trim('"');
        return new(json, () => json, Quote(json), bare.Length > 0 ? new[] { json, bare } : new[] { json, "''" });
    }

    private static RawValue Kind(string json, params string[] names) => new(json, () => json, Quote(json), names);

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
