/// Data, training loops and checkpoint checks the per-family tests share.
module Gen.FSharp.Tests.Common

open System
open System.IO
open Gen
open Gen.Data
open Gen.Dsl
open Gen.Optimization
open Gen.Runtime
open TorchSharp
open Xunit

/// Loads the native runtime through Gen before the first tensor.
let init () = GenRuntime.EnsureLoaded()

/// The 8×8 digits binarised at half intensity, [1797, 64] of 0 and 1.
let binaryDigits () =
    init ()
    Digits.Load(Device.Cpu).Images.ge(torch.tensor 8.0f).to_type(torch.float32)

/// The embedded 200-image sample of binarized MNIST, flat: [200, 784] of 0 and 1.
let mnistSample () =
    init ()
    BinarizedMnist.LoadSample(Device.Cpu, ImageLayout.Flat)

/// 512 points of the two moons, with a fixed seed.
let moons () =
    init ()
    ToyData.Sample(ToySet.Moons, 512L, Device.Cpu, Seed.Generator 0L)

/// Whether every element is 0 or 1.
let isBinary (x: torch.Tensor) = x.eq(torch.tensor 0.0f).logical_or(x.eq(torch.tensor 1.0f)).all().item<bool>()

/// Runs <c>steps</c> Adam steps of <c>loss</c> on minibatches of <c>batch</c> rows drawn with a fixed seed; returns
/// the loss on the whole data before and after (without gradient).
let trainSteps (model: torch.nn.Module) (data: torch.Tensor) (steps: int) (batch: int64) (lr: float) (loss: torch.Tensor -> torch.Tensor) =
    let evaluate () =
        use _ = torch.no_grad()
        (loss data).item<float32>()
    let before = evaluate ()
    use adam = new FusedAdam(model.parameters(), lr)
    let g = Seed.Generator 1L
    for _ in 1 .. steps do
        use _ = torch.NewDisposeScope()
        let rows = DeviceRandom.Integers(data.shape.[0], [| batch |], Device.Cpu, g)
        let l = loss (data.index_select(0L, rows))
        adam.ZeroGrad()
        l.backward()
        adam.Step()
    before, evaluate ()

/// Asserts that training lowered the loss by at least <c>margin</c>.
let assertImproved name margin (before: float32, after: float32) =
    Assert.True(Single.IsFinite after && after < before - margin, sprintf "%s: loss went from %f to %f (wanted a drop of %f)" name before after margin)

/// A fresh temporary checkpoint path.
let tempCheckpoint () = Path.Combine(Path.GetTempPath(), sprintf "gen-fsharp-%O.ckpt" (Guid.NewGuid()))

/// Saves <c>model</c>, loads it back as the same type and asserts that <c>score</c> gives bit-equal results.
let assertCheckpointRoundTrips<'T when 'T :> torch.nn.Module> (model: 'T) (score: 'T -> torch.Tensor) =
    let path = tempCheckpoint ()
    try
        Model.Save(path, model)
        use loaded = Model.Load<'T>(path, Device.Cpu)
        use _ = torch.no_grad()
        let a = score model
        let b = score loaded
        Assert.Equal<int64[]>(a.shape, b.shape)
        Assert.True(a.allclose(b, 0.0, 0.0), "the loaded model scores differently")
    finally
        File.Delete path
