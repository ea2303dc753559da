namespace Gen.Dsl;

/// <summary>JSON forms of the adversarial specs.</summary>
internal static class AdversarialJson
{
    /// <summary><c>{"latent": 2, "data": 2, "generator": {...}, "discriminator": {...}, "spectral_norm": true, "classes": 0}</c>.</summary>
    public static readonly NodeCodec<GanSpec> Gan = new(
        "a GAN spec",
        (s, o) =>
        {
            o["latent"] = s.Latent;
            o["data"] = s.Data;
            o["generator"] = NetworkJson.Mlp.Write(s.GeneratorNetwork);
            o["discriminator"] = NetworkJson.Mlp.Write(s.DiscriminatorNetwork);
            o["spectral_norm"] = s.SpectralNormalized;
            o["classes"] = s.Classes;
        },
        f =>
        {
            var spec = Adversarial.Gan(f.Int("latent"), f.Int("data"))
                .Generator(f.Node("generator", NetworkJson.Mlp))
                .Discriminator(f.Node("discriminator", NetworkJson.Mlp));
            spec = f.Bool("spectral_norm") ? spec.WithSpectralNorm() : spec;
            int classes = f.Int("classes");
            return classes == 0 ? spec : spec.WithClasses(classes);
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
