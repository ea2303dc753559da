using System.Linq;
using System.Text.Json;
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
        (Activation.Silu, "silu"),
        (Activation.LeakyRelu02, "leaky_relu_0.2"));

    /// <summary>Normalisation names.</summary>
    public static readonly StableNames<Normalization> Normalizations = new(
        (Normalization.None, "none"),
        (Normalization.Batch, "batch"),
        (Normalization.Layer, "layer"));

    /// <summary><c>{"hidden": [64, 64], "activation": "relu"}</c>, with <c>"normalization": "batch"</c> or <c>"layer"</c> when normalised.</summary>
    public static readonly NodeCodec<MlpSpec> Mlp = new(
        "an MLP",
        (s, o) =>
        {
            o["hidden"] = Ints(s.Hidden);
            o["activation"] = Activations.Name(s.Activation);
            WriteNormalization(o, s.Normalization);
        },
        f => Net.Mlp(f.Ints("hidden").ToArray()).WithActivation(f.Enum("activation", Activations)).WithNormalization(ReadNormalization(f)));

    /// <summary><c>{"hidden": 64, "blocks": 2, "activation": "relu"}</c>, with <c>"normalization"</c> when normalised.</summary>
    public static readonly NodeCodec<ConvResNetSpec> ConvResNet = new(
        "a convolutional residual network",
        (s, o) =>
        {
            o["hidden"] = s.Hidden;
            o["blocks"] = s.Blocks;
            o["activation"] = Activations.Name(s.Activation);
            WriteNormalization(o, s.Normalization);
        },
        f => Net.ConvResNet(f.Int("hidden"), f.Int("blocks")).WithActivation(f.Enum("activation", Activations)).WithNormalization(ReadNormalization(f)));

    /// <summary>Network nodes other than the MLP, under their type names; a spectrally normalised encoder adds <c>"spectral_norm": true</c>.</summary>
    public static readonly NodeKinds<NetworkSpec> Networks = new NodeKinds<NetworkSpec>("network", open: true)
        .Add<ConvResNetSpec>("conv_resnet", (s, o) => ConvResNet.WriteFields(s, o), f => ConvResNet.ReadFields(f))
        .Add<ConvEncoderSpec>(
            "conv_encoder",
            (s, o) =>
            {
                WriteConv(o, s.Channels, s.Kernel, s.Stride, s.Activation, s.Normalization);
                if (s.SpectralNormalized)
                {
                    o["spectral_norm"] = true;
                }
            },
            f =>
            {
                var spec = Net.ConvEncoder(f.Ints("channels").ToArray()).WithKernel(f.Int("kernel"), f.Int("stride")).WithActivation(f.Enum("activation", Activations)).WithNormalization(ReadNormalization(f));
                return f.Has("spectral_norm") && f.Bool("spectral_norm") ? spec.WithSpectralNorm() : spec;
            })
        .Add<ResNetGeneratorSpec>(
            "resnet_generator",
            (s, o) =>
            {
                o["channels"] = s.Channels;
                o["blocks"] = s.Blocks;
                if (s.Classes > 0)
                {
                    o["classes"] = s.Classes;
                    o["embedding"] = s.Embedding;
                }
            },
            f =>
            {
                var spec = Net.ResNetGenerator(f.Int("channels"), f.Int("blocks"));
                return f.Has("classes") ? spec.WithClasses(f.Int("classes"), f.Int("embedding")) : spec;
            })
        .Add<StyleGeneratorSpec>(
            "style_generator",
            (s, o) =>
            {
                o["channels"] = s.Channels;
                o["blocks"] = s.Blocks;
                o["style_width"] = s.StyleWidth;
                o["mapping_layers"] = s.MappingLayers;
                o["mapping_rate"] = s.MappingRate;
                if (s.Classes > 0)
                {
                    o["classes"] = s.Classes;
                }
            },
            f =>
            {
                var spec = Net.StyleGenerator(f.Int("channels"), f.Int("blocks"), f.Int("style_width"), f.Int("mapping_layers")).WithMappingRate(f.Double("mapping_rate"));
                return f.Has("classes") ? spec.WithClasses(f.Int("classes")) : spec;
            })
        .Add<ResNetDiscriminatorSpec>(
            "resnet_discriminator",
            (s, o) =>
            {
                o["channels"] = s.Channels;
                o["down_blocks"] = s.DownBlocks;
                o["blocks"] = s.Blocks;
                if (s.SpectralNormalized)
                {
                    o["spectral_norm"] = true;
                }

                if (s.MinibatchGroup > 0)
                {
                    o["minibatch_group"] = s.MinibatchGroup;
                }
            },
            f =>
            {
                var spec = Net.ResNetDiscriminator(f.Int("channels"), f.Int("down_blocks"), f.Int("blocks"));
                spec = f.Has("spectral_norm") && f.Bool("spectral_norm") ? spec.WithSpectralNorm() : spec;
                return f.Has("minibatch_group") ? spec.WithMinibatchStdDev(f.Int("minibatch_group")) : spec;
            })
        .Add<ConvDecoderSpec>(
            "conv_decoder",
            (s, o) => WriteConv(o, s.Channels, s.Kernel, s.Stride, s.Activation, s.Normalization),
            f => Net.ConvDecoder(f.Ints("channels").ToArray()).WithKernel(f.Int("kernel"), f.Int("stride")).WithActivation(f.Enum("activation", Activations)).WithNormalization(ReadNormalization(f)));

    /// <summary>
    /// A network node where any kind may stand (a VAE's encoder and decoder): an MLP in its own form, without a type
    /// field (as such documents held before other kinds existed, so they read and write unchanged); any other kind
    /// with its type name.
    /// </summary>
    public static JsonObject WriteNetwork(NetworkSpec network) => network is MlpSpec mlp ? Mlp.Write(mlp) : Networks.Write(network);

    /// <summary>Reads what <see cref="WriteNetwork"/> writes, at <paramref name="path"/>.</summary>
    public static NetworkSpec ReadNetwork(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty(JsonFields.TypeField, out _) ? Networks.Read(value, path) : Mlp.Read(value, path);

    /// <summary>A list of integers as a JSON array.</summary>
    public static JsonArray Ints(ValueList<int> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    private static void WriteConv(JsonObject o, ValueList<int> channels, int kernel, int stride, Activation activation, Normalization normalization)
    {
        o["channels"] = Ints(channels);
        o["kernel"] = kernel;
        o["stride"] = stride;
        o["activation"] = Activations.Name(activation);
        WriteNormalization(o, normalization);
    }

    // Left out when there is none, so networks without normalisation read and write as before it existed.
    private static void WriteNormalization(JsonObject o, Normalization normalization)
    {
        if (normalization != Normalization.None)
        {
            o["normalization"] = Normalizations.Name(normalization);
        }
    }

    private static Normalization ReadNormalization(JsonFields f) => f.OptionalEnum("normalization", Normalizations) ?? Normalization.None;
}
