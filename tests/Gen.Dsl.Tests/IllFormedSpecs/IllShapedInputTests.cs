using System;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using TorchSharp;
using Xunit;
using FsGen = FsCheck.Fluent.Gen;

namespace Gen.Dsl.Tests.IllFormedSpecs;

/// <summary>
/// The other side of a spec's shapes: data whose shape disagrees with a compiled model (a VAE's features, a GAN
/// discriminator's or generator's widths, a flow's or an autoregressive model's features, a PixelCNN's image) is refused
/// with an argument error that names the model, never a libtorch error.
/// </summary>
public class IllShapedInputTests
{
    private static readonly Lazy<(string Name, long[] Shape, Action<torch.Tensor> Use)[]> Uses = new(() =>
    {
        var flow = Flow.Over(Dist.StandardNormal(3)).Then(Bij.AffineCoupling(Mask.Alternating(3), Net.Mlp(4))).Compile(Device.Cpu, seed: 0);
        var made = Autoregressive.Made(5, 8).Compile(Device.Cpu, seed: 0);
        var nade = Autoregressive.Nade(5, 4).Compile(Device.Cpu, seed: 0);
        var pixel = Autoregressive.PixelCnn(1, 4, 4).WithFilters(4).WithResidualBlocks(1).Compile(Device.Cpu, seed: 0);
        var gated = Autoregressive.GatedPixelCnn(1, 4, 4).WithFilters(4).WithLayers(1).Compile(Device.Cpu, seed: 0);
        var vae = Dsl.Latent.Vae(6, 2).WithEncoder(Net.Mlp(4)).WithDecoder(Net.Mlp(4)).Compile(Device.Cpu, seed: 0);
        var gan = Adversarial.Gan(2, 3).Generator(Net.Mlp(4)).Discriminator(Net.Mlp(4)).Compile(Device.Cpu, seed: 0);
        return new (string, long[], Action<torch.Tensor>)[]
        {
            ("flow", new long[] { 3 }, x => flow.LogProb(x)),
            ("made", new long[] { 5 }, x => made.LogProb(x)),
            ("nade", new long[] { 5 }, x => nade.LogProb(x)),
            ("pixel_cnn", new long[] { 1, 4, 4 }, x => pixel.LogProb(x)),
            ("gated_pixel_cnn", new long[] { 1, 4, 4 }, x => gated.LogProb(x)),
            ("vae", new long[] { 6 }, x => vae.Elbo(x)),
            ("vae", new long[] { 6 }, x => vae.Loss(x, 0)),
            ("gan", new long[] { 3 }, x => gan.Discriminate(x)),
            ("gan", new long[] { 2 }, x => gan.Generate(x)),
        };
    });

    [Property(MaxTest = 200)]
    public Property Data_of_the_wrong_shape_is_refused_with_a_clear_error() =>
        Prop.ForAll(FsGen.Choose(0, int.MaxValue - 1).ToArbitrary(), seed =>
        {
            var r = new Random(seed);
            var (name, shape, use) = Uses.Value[r.Next(Uses.Value.Length)];
            // One event dimension off by a nonzero amount, or one too many or too few event dimensions. The batch size and
            // an added dimension differ from every event size, so the result cannot be read as a batch of events.
            var wrong = shape.ToList();
            switch (r.Next(3))
            {
                case 0:
                    int i = r.Next(wrong.Count);
                    wrong[i] = Math.Max(1, wrong[i] + (r.Next(2) == 0 ? -r.Next(1, 3) : r.Next(1, 3)));
                    if (wrong[i] == shape[i])
                    {
                        wrong[i] += 1;
                    }

                    break;
                case 1:
                    wrong.Add(r.Next(7, 10));
                    break;
                default:
                    wrong.RemoveAt(r.Next(wrong.Count));
                    break;
            }

            using var scope = torch.NewDisposeScope();
            var x = torch.zeros(new long[] { r.Next(7, 10) }.Concat(wrong).ToArray());
            var e = Record.Exception(() => use(x));
            var what = $"{name} given [{string.Join(", ", x.shape)}] (events {Shape.Format(shape)})";
            Rejection.AssertClear(e, what, name, Array.Empty<string>());
        });
}
