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

    // (parameter, sum, sum of squares) with seed 11 in float64.
    private static readonly (string Name, double Sum, double SumOfSquares)[] Weights =
    {
            ("encoder.linear0.weight", 0.46597680973354727, 2.480497379485336),
            ("encoder.linear0.bias", 0.834000937640667, 0.2416876225786585),
            ("encoder.output.weight", 0.31695037707686424, 1.1335189260888678),
            ("encoder.output.bias", 30.609357920009643, 2778.034928342889),
            ("decoder.linear0.weight", -0.8381437187781557, 1.2597722575768557),
            ("decoder.linear0.bias", 0.227799654006958, 1.6285154474944221),
            ("decoder.linear1.weight", 0.6080637350678444, 1.554243710088916),
            ("decoder.linear1.bias", -0.07805951405316591, 0.06425205160333118),
            ("decoder.output.weight", -2.3801974104717374, 6.959964075432064),
            ("decoder.output.bias", -0.6643093312159181, 1.940774597515736),
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
        Assert.Equal(new[] { -13.764560287459476, -9.304686950886003, -19.4621035218598 }, model.Elbo(x, Seed.Generator(5)).data<double>().ToArray(), new Tolerance());
        Assert.Equal(new[] { -14.408143762956536, -7.828782836357334, -17.471654937820528 }, model.Iwae(x, 4, Seed.Generator(6)).data<double>().ToArray(), new Tolerance());
    }

    private sealed class Tolerance : System.Collections.Generic.IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a));

        public int GetHashCode(double value) => 0;
    }
}
