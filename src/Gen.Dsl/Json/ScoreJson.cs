using System.Linq;
using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>The JSON form of noise-conditional score models.</summary>
internal static class ScoreJson
{
    /// <summary><c>{"data": [2], "network": {...}, "sigmas": [1, 0.1, 0.01]}</c>, rebuilt through <see cref="ScoreSpec"/>'s checks.</summary>
    public static readonly NodeCodec<ScoreSpec> Score = new(
        "a score model",
        (s, o) =>
        {
            o["data"] = new JsonArray(s.DataShape.Select(d => (JsonNode?)d).ToArray());
            o["network"] = NetworkJson.WriteNetwork(s.Network);
            o["sigmas"] = new JsonArray(s.Sigmas.Select(d => (JsonNode?)d).ToArray());
        },
        f => JsonFields.Checked(f.Path, () => ScoreSpec.Checked(new ScoreSpec(f.Ints("data"), f.Network("network"), f.Doubles("sigmas")))));
}
