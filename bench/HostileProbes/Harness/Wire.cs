using System.Text.Json;
using System.Text.Json.Serialization;

namespace HostileProbes.Harness;

/// <summary>
/// The lines a category's process writes for the supervising process: a start line before each probe (so that a probe
/// that hangs or kills its process is known by name) and a result line after it. Anything else on the output (the
/// library's own messages, a crash report) is passed through as text.
/// </summary>
internal static class Wire
{
    public const string Begin = "@@probe-begin ";
    public const string Result = "@@probe-result ";
    public const string Done = "@@category-done";

    public static readonly JsonSerializerOptions Options = new() { Converters = { new JsonStringEnumConverter() }, WriteIndented = false };

    public static string Encode(ProbeResult result) => Result + JsonSerializer.Serialize(result, Options);

    public static ProbeResult Decode(string line) => JsonSerializer.Deserialize<ProbeResult>(line[Result.Length..], Options)!;
}
