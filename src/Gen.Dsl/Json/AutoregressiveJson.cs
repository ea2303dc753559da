using System.Linq;
using System.Text.Json.Nodes;

namespace Gen.Dsl;

/// <summary>The JSON forms of the binary autoregressive models (MADE, NADE, FVSBN) and their orders and degrees.</summary>
internal static class AutoregressiveJson
{
    /// <summary>
    /// <c>{"type": "natural"}</c>, <c>{"type": "reversed"}</c>, <c>{"type": "random", "seed": 3}</c> or
    /// <c>{"type": "given", "order": [2, 0, 1]}</c>.
    /// </summary>
    public static readonly NodeCodec<InputOrder> Order = new(
        "an input order",
        (s, o) =>
        {
            var (type, field, value) = s.Match<(string, string?, JsonNode?)>(
                () => ("natural", null, null),
                () => ("reversed", null, null),
                seed => ("random", "seed", seed),
                given => ("given", "order", NetworkJson.Ints(given)));
            o[JsonFields.TypeField] = type;
            if (field is not null)
            {
                o[field] = value;
            }
        },
        f => f.String(JsonFields.TypeField) switch
        {
            "natural" => InputOrder.Natural,
            "reversed" => InputOrder.Reversed,
            "random" => InputOrder.Random(f.Int("seed")),
            "given" => InputOrder.Given(f.Ints("order").ToArray()),
            var other => throw JsonFields.Invalid(f.At(JsonFields.TypeField), $"unknown input order type '{other}' (known: given, natural, random, reversed)."),
        });

    /// <summary><c>{"type": "random", "seed": 0}</c> or <c>{"type": "even"}</c>.</summary>
    public static readonly NodeCodec<HiddenDegrees> Degrees = new(
        "hidden degrees",
        (s, o) =>
        {
            o[JsonFields.TypeField] = s.RandomSeed is null ? "even" : "random";
            if (s.RandomSeed is int seed)
            {
                o["seed"] = seed;
            }
        },
        f => f.String(JsonFields.TypeField) switch
        {
            "even" => HiddenDegrees.Even,
            "random" => HiddenDegrees.Random(f.Int("seed")),
            var other => throw JsonFields.Invalid(f.At(JsonFields.TypeField), $"unknown hidden degrees type '{other}' (known: even, random)."),
        });

    /// <summary>A MADE: every field of <see cref="MadeSpec"/>, checked as <see cref="Autoregressive.Made"/> checks it.</summary>
    public static readonly NodeCodec<MadeSpec> Made = new(
        "a MADE spec",
        (s, o) =>
        {
            o["features"] = s.Features;
            o["hidden"] = NetworkJson.Ints(s.Hidden);
            o["outputs_per_feature"] = s.OutputsPerFeature;
            o["context_features"] = s.ContextFeatures;
            o["order"] = Order.Write(s.Order);
            o["degrees"] = Degrees.Write(s.Degrees);
            o["masks"] = s.Masks;
            o["activation"] = NetworkJson.Activations.Name(s.Activation);
            if (s.DirectConnections)
            {
                // Written only when on, so the specs (and checkpoints) of earlier versions read and write as before.
                o["direct_connections"] = true;
            }
        },
        f => MadeSpec.Checked(new MadeSpec(
            f.Long("features"),
            f.Ints("hidden"),
            f.Int("outputs_per_feature"),
            f.Long("context_features"),
            f.Node("order", Order),
            f.Node("degrees", Degrees),
            f.Int("masks"),
            f.Enum("activation", NetworkJson.Activations))
        {
            DirectConnections = f.Has("direct_connections") && f.Bool("direct_connections"),
        }));

    /// <summary><c>{"features": 784, "hidden": 500, "order": {...}}</c>.</summary>
    public static readonly NodeCodec<NadeSpec> Nade = new(
        "a NADE spec",
        (s, o) =>
        {
            o["features"] = s.Features;
            o["hidden"] = s.Hidden;
            o["order"] = Order.Write(s.Order);
        },
        f => NadeSpec.Checked(new NadeSpec(f.Long("features"), f.Int("hidden"), f.Node("order", Order))));

    /// <summary><c>{"features": 784, "order": {...}}</c>.</summary>
    public static readonly NodeCodec<FvsbnSpec> Fvsbn = new(
        "an FVSBN spec",
        (s, o) =>
        {
            o["features"] = s.Features;
            o["order"] = Order.Write(s.Order);
        },
        f => FvsbnSpec.Checked(new FvsbnSpec(f.Long("features"), f.Node("order", Order))));

    /// <summary><c>{"features": 64, "hidden": 32, "layers": 1, "order": {...}}</c>.</summary>
    public static readonly NodeCodec<RnnSpec> Rnn = new(
        "an RNN spec",
        (s, o) =>
        {
            o["features"] = s.Features;
            o["hidden"] = s.Hidden;
            o["layers"] = s.Layers;
            o["order"] = Order.Write(s.Order);
        },
        f => RnnSpec.Checked(new RnnSpec(f.Long("features"), f.Int("hidden"), f.Int("layers"), f.Node("order", Order))));
}
