/// VAE and IWAE declared in F#, trained on the embedded binarized MNIST sample, sampled and checkpointed.
module Gen.FSharp.Tests.LatentTests

open Gen
open Gen.Data
open Gen.Dsl
open TorchSharp
open Xunit
open Gen.FSharp.Tests.Common

/// Trains with the spec's own loss (Loss(x, step)) on data [200, ...] and checks the held-out-free outcome: the ELBO on
/// the data rises.
let private learns name (data: torch.Tensor) (spec: VaeSpec) steps =
    use model = spec.Compile(Device.Cpu, seed = 0L)
    let elbo () =
        use _ = torch.no_grad()
        model.Elbo(data, Seed.Generator 9L).mean().item<float32>()
    let before = elbo ()
    let mutable step = 0L
    let lossOf (x: torch.Tensor) =
        step <- step + 1L
        model.Loss(x, step, Seed.Generator step)
    trainSteps model data steps 50L 3e-3 lossOf |> ignore
    let after = elbo ()
    Assert.True(after > before + 60.0f, sprintf "%s: ELBO went from %f to %f nats" name before after)
    let x = model.Sample(6L, Seed.Generator 1L)
    Assert.Equal<int64[]>(Array.append [| 6L |] data.shape.[1..], x.shape)
    Assert.True(isBinary x)
    Assert.Equal<int64[]>([| 200L |], model.Iwae(data, 3, Seed.Generator 2L).shape)
    assertCheckpointRoundTrips model (fun m -> m.Elbo(data, Seed.Generator 4L))

let private learnsMnist name spec steps = learns name (mnistSample ()) spec steps

[<Fact>]
let ``A VAE learns binarized MNIST`` () =
    Latent.Vae(784, 8).WithEncoder(Net.Mlp 64).WithDecoder(Net.Mlp 64)
    |> fun spec -> learnsMnist "vae" spec 40

[<Fact>]
let ``An IWAE with a DReG gradient and a warm-up learns binarized MNIST`` () =
    Latent.Vae(784, 8).WithEncoder(Net.Mlp 64).WithDecoder(Net.Mlp 64).WithObjective(LatentObjective.IwaeDreg 4).WithKlWarmUp(10)
    |> fun spec -> learnsMnist "iwae" spec 40

[<Fact>]
let ``A VAE with a planar posterior flow learns binarized MNIST`` () =
    let spec =
        Latent.Vae(784, 8).WithEncoder(Net.Mlp 64).WithDecoder(Net.Mlp 64).WithPosteriorFlow(PosteriorFlowKind.Planar, 2)
    Assert.Contains("2 amortised planar steps", spec.ToString())
    learnsMnist "planar vae" spec 40

[<Fact>]
let ``A convolutional VAE learns binarized MNIST images`` () =
    init ()
    let spec = Latent.Vae(1, 28, 28, 8).WithEncoder(Net.ConvEncoder(8, 16)).WithDecoder(Net.ConvDecoder(16, 8))
    Assert.Equal<string>("conv[1]: [8, 14, 14] -> [16, 7, 7]", spec.EncoderLayers.[1].ToString())
    Assert.Contains("deconv[1]: [8, 14, 14] -> [1, 28, 28]", spec.ToString())
    learns "conv vae" (BinarizedMnist.LoadSample(Device.Cpu, ImageLayout.Image)) spec 40
