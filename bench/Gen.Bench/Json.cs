using System.Text.Json;

namespace Gen.Bench;

/// <summary>How result files are written.</summary>
internal static class Json
{
    /// <summary>Indented, with non-finite numbers written as strings rather than failing.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
