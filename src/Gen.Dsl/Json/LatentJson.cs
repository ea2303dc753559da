using System.Linq;

namespace Gen.Dsl;

/// <summary>The JSON forms of latent-variable models and their likelihoods and objectives.</summary>
internal static class LatentJson
{
    /// <summary>Likelihoods p(x|z): the heads, under the VAE's name for them.</summary>
    public static NodeKinds<HeadSpec> Likelihoods => HeadJson.Heads;

    /// <summary><c>{"samples": 5, "dreg": true}</c>.</summary>
    public static readonly NodeCodec<LatentObjective> Objective = new(
        "an objective",
        (s, o) =>
        {
            o["samples"] = s.Samples;
            o["dreg"] = s.Dreg;
        },
        f =>
        {
            int samples = f.Int("samples");
            return f.Bool("dreg") ? LatentObjective.IwaeDreg(samples) : LatentObjective.Iwae(samples);
        });

    /// <summary>KL estimate names.</summary>
    public static readonly StableNames<KlEstimate> KlEstimates = new(
        (KlEstimate.Analytic, "analytic"),
        (KlEstimate.MonteCarlo, "monte_carlo"));

    /// <summary>Posterior flow names.</summary>
    public static readonly StableNames<PosteriorFlowKind> PosteriorFlows = new(
        (PosteriorFlowKind.None, "none"),
        (PosteriorFlowKind.Planar, "planar"),
        (PosteriorFlowKind.Radial, "radial"),
        (PosteriorFlowKind.InverseAutoregressive, "iaf"),
        (PosteriorFlowKind.Steps, "steps"));

    /// <summary>A VAE: every property of <see cref="VaeSpec"/>, rebuilt through its checked <c>With…</c> methods.</summary>
    public static readonly NodeCodec<VaeSpec> Vae = new(
        "a VAE spec",
        (s, o) =>
        {
            // A vector VAE writes "features" as it always has; an image VAE writes its [C, H, W] as "image" instead.
            if (s.IsImage)
            {
                o["image"] = NetworkJson.Ints(s.DataShape);
            }
            else
            {
                o["features"] = s.Features;
            }

            o["latent"] = s.LatentDimensions;
            o["encoder"] = NetworkJson.WriteNetwork(s.Encoder);
            o["decoder"] = NetworkJson.WriteNetwork(s.Decoder);
            o["likelihood"] = Likelihoods.Write(s.Likelihood);
            o["objective"] = Objective.Write(s.Objective);
            o["kl"] = KlEstimates.Name(s.Kl);
            o["beta"] = s.Beta;
            o["kl_warm_up"] = s.KlWarmUp;
            o["free_bits"] = s.FreeBits;
            o["posterior_flow"] = PosteriorFlows.Name(s.PosteriorFlow);
            o["posterior_flow_steps"] = s.PosteriorFlowSteps;
            if (s.PosteriorFlow == PosteriorFlowKind.Steps)
            {
                // Only for steps of any kind, so the documents of the named kinds stay as they were.
                o["posterior_steps"] = new System.Text.Json.Nodes.JsonArray(s.PosteriorSteps.Select(step => (System.Text.Json.Nodes.JsonNode?)FlowJson.Bijectors.Write(step)).ToArray());
                o["posterior_context"] = s.PosteriorContext;
            }
            if (s.Prior is not null)
            {
                // Written only when set, so documents of standard-normal priors stay as they were.
                o["prior"] = FlowJson.Flow.Write(s.Prior);
            }
        },
        // The objective comes before the free bits, which need the ELBO.
        // The likelihood comes before the decoder, whose output shape depends on it.
        f => WithPrior(f, PosteriorFlow(f, new VaeSpec(f.Has("image") ? f.Ints("image") : new ValueList<int>(new[] { f.Int("features") }), f.Int("latent"))
            .WithEncoder(NetworkJson.ReadNetwork(f.Field("encoder"), f.At("encoder")))
            .WithLikelihood(f.Node("likelihood", Likelihoods))
            .WithDecoder(NetworkJson.ReadNetwork(f.Field("decoder"), f.At("decoder")))
            .WithObjective(f.Node("objective", Objective))
            .WithKl(f.Enum("kl", KlEstimates))
            .WithBeta(f.Double("beta"))
            .WithKlWarmUp(f.Int("kl_warm_up"))
            .WithFreeBits(f.Double("free_bits")))));

    private static VaeSpec PosteriorFlow(JsonFields f, VaeSpec spec)
    {
        var kind = f.Enum("posterior_flow", PosteriorFlows);
        int count = f.Int("posterior_flow_steps");
        if (kind != PosteriorFlowKind.Steps)
        {
            return spec.WithPosteriorFlow(kind, count);
        }

        var steps = f.Array("posterior_steps", (item, path) => FlowJson.Bijectors.Read(item, path));
        if (steps.Count != count)
        {
            throw JsonFields.Invalid(f.At("posterior_flow_steps"), $"says {count} steps, but posterior_steps lists {steps.Count}.");
        }

        return JsonFields.Checked(f.At("posterior_steps"), () => spec.WithPosteriorSteps(steps, f.Int("posterior_context")));
    }

    private static VaeSpec WithPrior(JsonFields f, VaeSpec spec) => f.Has("prior") ? spec.WithPrior(f.Node("prior", FlowJson.Flow)) : spec;
}
