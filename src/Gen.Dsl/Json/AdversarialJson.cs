using System.Linq;

namespace Gen.Dsl;

/// <summary>JSON forms of the adversarial specs.</summary>
internal static class AdversarialJson
{
    /// <summary>
    /// <c>{"latent": 2, "data": 2, "generator": {...}, "discriminator": {...}, "spectral_norm": true, "classes": 0}</c>
    /// for vectors, as such documents always were; images write <c>"event": [1, 28, 28]</c> in place of <c>"data"</c>.
    /// Networks other than MLPs carry their type; <c>"generator_output": "tanh"</c> and <c>"generator_average": 0.999</c> appear when set.
    /// </summary>
    public static readonly NodeCodec<GanSpec> Gan = new(
        "a GAN spec",
        (s, o) =>
        {
            o["latent"] = s.Latent;
            if (s.DataShape.Count == 1)
            {
                o["data"] = s.DataShape[0];
            }
            else
            {
                o["event"] = NetworkJson.Ints(s.DataShape);
            }

            o["generator"] = NetworkJson.WriteNetwork(s.GeneratorNetwork);
            if (s.GeneratorOutput is { } output)
            {
                o["generator_output"] = NetworkJson.Activations.Name(output);
            }

            if (s.GeneratorAverage is { } average)
            {
                o["generator_average"] = average;
            }

            o["discriminator"] = NetworkJson.WriteNetwork(s.DiscriminatorNetwork);
            o["spectral_norm"] = s.SpectralNormalized;
            o["classes"] = s.Classes;
        },
        f =>
        {
            int[] shape = f.Has("event") ? f.Ints("event").ToArray() : new[] { f.Int("data") };
            int classes = f.Int("classes");
            var spec = Adversarial.Gan(f.Int("latent"), shape);
            // Classes first: they set the widths the networks are checked against.
            spec = classes == 0 ? spec : spec.WithClasses(classes);
            spec = spec.Generator(f.Network("generator")).Discriminator(f.Network("discriminator"));
            spec = f.Has("generator_output") ? spec.WithGeneratorOutput(f.Enum("generator_output", NetworkJson.Activations)) : spec;
            spec = f.Has("generator_average") ? spec.WithGeneratorAverage(f.Double("generator_average")) : spec;
            return f.Bool("spectral_norm") ? spec.WithSpectralNorm() : spec;
        });

    /// <summary><c>{"features": 2, "network": {...}, "spectral_norm": true}</c>.</summary>
    public static readonly NodeCodec<CriticSpec> Critic = new(
        "a critic spec",
        (s, o) =>
        {
            o["features"] = s.Features;
            o["network"] = NetworkJson.Mlp.Write(s.Network);
            o["spectral_norm"] = s.SpectralNormalized;
        },
        f =>
        {
            var spec = Adversarial.Critic(f.Int("features")).WithNetwork(f.Node("network", NetworkJson.Mlp));
            return f.Bool("spectral_norm") ? spec.WithSpectralNorm() : spec;
        });
}
