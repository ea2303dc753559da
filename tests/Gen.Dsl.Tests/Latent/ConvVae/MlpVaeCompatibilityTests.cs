using System;
using System.Linq;
using TorchSharp;
using Xunit;

namespace Gen.Dsl.Tests.Latent.ConvVae;

/// <summary>
/// An MLP VAE as it was before networks other than MLPs could stand in a VAE: its document, its parameter names, its
/// initial weights for a seed and its bounds with a fixed generator are pinned, so checkpoints written before load and
/// behave as they did.
/// </summary>
public class MlpVaeCompatibilityTests
{
    private const string Json = """
            {
              "version": 1,
              "spec": {
                "type": "vae",
                "features": 12,
                "latent": 2,
                "encoder": {
                  "hidden": [
                    8
                  ],
                  "activation": "relu"
                },
                "decoder": {
                  "hidden": [
                    6,
                    5
                  ],
                  "activation": "relu"
                },
                "likelihood": {
                  "type": "gaussian",
                  "fixed_scale": null
                },
                "objective": {
                  "samples": 1,
                  "dreg": false
                },
                "kl": "analytic",
                "beta": 1,
                "kl_warm_up": 0,
                "free_bits": 0,
                "posterior_flow": "planar",
                "posterior_flow_steps": 2
              }
            }
            """;

    // (parameter, sum, sum of squares) with seed 11 in float64. Pinned again when layers began to draw their initial
    // weights from the build's own generator (LayerInitialization) instead of TorchSharp's global one: a seed gives
    // other weights since then, the same ones whatever other threads draw.
    private static readonly (string Name, double Sum, double SumOfSquares)[] Weights =
    {
            ("encoder.linear0.weight", 1.7520891577005386, 2.6569211288197083),
            ("encoder.linear0.bias", -0.92423315346241, 0.2752792536263262),
            ("encoder.output.weight", 0.711325615644455, 1.656849635319158),
            ("encoder.output.bias", 7.429439725354314, 195.37364137354004),
            ("decoder.linear0.weight", -1.0671571791172028, 3.170594488238941),
            ("decoder.linear0.bias", 0.13324445486068726, 0.7713552736892488),
            ("decoder.linear1.weight", -1.0266110002994537, 1.3930293394059219),
            ("decoder.linear1.bias", -0.43565112352371216, 0.34946808225169335),
            ("decoder.output.weight", 3.3906915187835693, 8.462931611287523),
            ("decoder.output.bias", -1.617681086063385, 1.5469285961427452),
            ("prior.loc", 0, 0),
            ("prior.scale", 2, 2),
    };

    private static VaeSpec Spec() => Gen.Dsl.Latent.Vae(12, 2).WithEncoder(Net.Mlp(8)).WithDecoder(Net.Mlp(6, 5))
        .WithLikelihood(Likelihood.Gaussian()).WithPosteriorFlow(PosteriorFlowKind.Planar, 2);

    [Fact]
    public void Its_document_is_unchanged_and_reads_back()
    {
        Assert.Equal(Json.ReplaceLineEndings("\n"), Spec().ToJson().ReplaceLineEndings("\n"));
        Assert.Equal(Spec(), SpecJson.FromJson<VaeSpec>(Json));
    }

    [Fact]
    public void Its_parameter_names_initial_weights_and_bounds_are_unchanged()
    {
        using var model = Spec().Compile(Device.Cpu, torch.float64, seed: 11);
        var state = model.state_dict();
        Assert.Equal(Weights.Select(w => w.Name), state.Keys);
        foreach (var (name, sum, squares) in Weights)
        {
            Assert.Equal(sum, state[name].sum().item<double>(), 1e-12);
            Assert.Equal(squares, state[name].square().sum().item<double>(), 1e-12);
        }

        var x = torch.linspace(-1, 1, 36, dtype: torch.float64).reshape(3, 12);
        Assert.Equal(new[] { -13.196119775720861, -7.804519423924916, -14.247041301962117 }, model.Elbo(x, Seed.Generator(5)).data<double>().ToArray(), new Tolerance());
        Assert.Equal(new[] { -13.06119082499266, -7.907672915046714, -14.727928842902928 }, model.Iwae(x, 4, Seed.Generator(6)).data<double>().ToArray(), new Tolerance());
    }

    private sealed class Tolerance : System.Collections.Generic.IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a));

        public int GetHashCode(double value) => 0;
    }
}
