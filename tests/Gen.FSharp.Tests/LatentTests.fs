/// VAE and IWAE declared in F#, trained on the embedded binarized MNIST sample, sampled and checkpointed.
module Gen.FSharp.Tests.LatentTests

open Gen
open Gen.Dsl
open TorchSharp
open Xunit
open Gen.FSharp.Tests.Common

/// Trains with the spec's own loss (Loss(x, step)) and checks the held-out-free outcome: the ELBO on the sample rises.
let private learnsMnist name (spec: VaeSpec) steps =
    let data = mnistSample ()
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
    Assert.Equal<int64[]>([| 6L; 784L |], x.shape)
    Assert.True(isBinary x)
    Assert.Equal<int64[]>([| 200L |], model.Iwae(data, 3, Seed.Generator 2L).shape)
    assertCheckpointRoundTrips model (fun m -> m.Elbo(data, Seed.Generator 4L))

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
