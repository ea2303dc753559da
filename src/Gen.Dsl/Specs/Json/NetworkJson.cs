using System.Linq;
using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>The JSON forms of network nodes and the pieces other nodes share (activations, integer lists).</summary>
internal static class NetworkJson
{
    /// <summary>Activation names.</summary>
    public static readonly StableNames<Activation> Activations = new(
        (Activation.Relu, "relu"),
        (Activation.Tanh, "tanh"),
        (Activation.Gelu, "gelu"),
        (Activation.LeakyRelu, "leaky_relu"),
        (Activation.Silu, "silu"));

    /// <summary><c>{"hidden": [64, 64], "activation": "relu"}</c>.</summary>
    public static readonly NodeCodec<MlpSpec> Mlp = new(
        "an MLP",
        (s, o) =>
        {
            o["hidden"] = Ints(s.Hidden);
            o["activation"] = Activations.Name(s.Activation);
        },
        f => Net.Mlp(f.Ints("hidden").ToArray()).WithActivation(f.Enum("activation", Activations)));

    /// <summary><c>{"hidden": 64, "blocks": 2, "activation": "relu"}</c>.</summary>
    public static readonly NodeCodec<ConvResNetSpec> ConvResNet = new(
        "a convolutional residual network",
        (s, o) =>
        {
            o["hidden"] = s.Hidden;
            o["blocks"] = s.Blocks;
            o["activation"] = Activations.Name(s.Activation);
        },
        f => Net.ConvResNet(f.Int("hidden"), f.Int("blocks")).WithActivation(f.Enum("activation", Activations)));

    /// <summary>A list of integers as a JSON array.</summary>
    public static JsonArray Ints(ValueList<int> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
