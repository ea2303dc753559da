using System.Linq;
using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>The JSON form of energy-based models.</summary>
internal static class EnergyJson
{
    /// <summary><c>{"data": [784], "network": {...}, "classes": 10}</c>, rebuilt through <see cref="EnergySpec"/>'s checks.</summary>
    public static readonly NodeCodec<EnergySpec> Energy = new(
        "an energy model",
        (s, o) =>
        {
            o["data"] = new JsonArray(s.DataShape.Select(d => (JsonNode?)d).ToArray());
            o["network"] = NetworkJson.WriteNetwork(s.Network);
            o["classes"] = s.Classes;
        },
        f => JsonFields.Checked(f.Path, () => EnergySpec.Checked(new EnergySpec(f.Ints("data"), f.Network("network"), f.Int("classes")))));
}
