module Gen.FSharp.Tests.CheckpointTests

open System.IO
open Gen
open Gen.Dsl
open Gen.Optimization
open Gen.Runtime
open TorchSharp
open Xunit

/// Specs go to JSON and back, and models to checkpoints and back, as ordinary calls from F#.
[<Fact>]
let ``Specs and checkpoints round-trip from F#`` () =
    GenRuntime.EnsureLoaded()
    let spec =
        Flow.Over(Dist.StandardNormal 4)
            .Then(Bij.AffineCoupling(Mask.Alternating 4, Net.Mlp(8)))
            .Then(Bij.Reverse())
    let json = spec.ToJson()
    Assert.Equal(spec, SpecJson.FromJson<FlowSpec> json)
    Assert.Equal(spec :> obj, SpecJson.FromJson json :> obj)

    let path = Path.Combine(Path.GetTempPath(), sprintf "gen-fsharp-%O.ckpt" (System.Guid.NewGuid()))
    use model = spec.Compile(Device.Cpu, seed = 0L)
    use adam = new FusedAdam(model.parameters())
    Model.Save(path, model, adam)
    Model.Save(path, model)
    use loaded = Model.Load<FlowModel>(path, Device.Cpu)
    let x = torch.randn(5L, 4L)
    Assert.True(model.LogProb(x).allclose(loaded.LogProb(x), 0.0, 0.0))
    Assert.Equal(spec :> obj, Model.ReadSpec path :> obj)
    let e = Assert.Throws<GenCheckpointException>(fun () -> Model.LoadOptimizer(path, loaded) |> ignore)
    Assert.Equal(CheckpointError.NoOptimizerState, e.Error)
    File.Delete path
