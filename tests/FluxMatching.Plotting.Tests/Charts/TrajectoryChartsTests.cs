namespace FluxMatching.Plotting.Tests;

using System.Text.Json;

public class TrajectoryChartsTests
{
    [Fact]
    public void Animation_has_one_frame_per_kept_step_and_play_pause_buttons_and_a_slider()
    {
        // trajectory [T = 7, N = 5, 2]: point i of frame t sits at (t, i)
        var traj = torch.stack(Enumerable.Range(0, 7).Select(t =>
            torch.stack([torch.full(5, (float)t), torch.arange(5, dtype: ScalarType.Float32)], 1)).ToArray());
        var anim = TrajectoryCharts.Animation(traj, new TrajectoryAnimationOptions { MaxFrames = 4 },
            target: new PointSet([0.0], [0.0]));
        Assert.Equal(4, anim.FrameCount);
        var frames = JsonDocument.Parse(anim.FramesJson).RootElement.EnumerateArray().ToArray();
        Assert.Equal(4, frames.Length);
        double[] kept = [0, 2, 4, 6];
        for (int f = 0; f < 4; f++)
        {
            Assert.Equal(anim.FrameNames[f], frames[f].GetProperty("name").GetString());
            Assert.Equal(1, frames[f].GetProperty("traces")[0].GetInt32());   // trace 0 is the target
            Assert.All(ChartJson.Numbers(frames[f].GetProperty("data")[0].GetProperty("x")), x => Assert.Equal(kept[f], x));
        }
        var layout = ChartJson.Layout(anim.Chart);
        var buttons = layout.GetProperty("updatemenus")[0].GetProperty("buttons");
        Assert.Equal(["▶ Play", "❚❚ Pause"], buttons.EnumerateArray().Select(b => b.GetProperty("label").GetString()!));
        Assert.Equal(JsonValueKind.Null, buttons[0].GetProperty("args")[0].ValueKind);   // play: all frames
        var steps = layout.GetProperty("sliders")[0].GetProperty("steps");
        Assert.Equal(4, steps.GetArrayLength());
        Assert.Equal(anim.FrameNames[2], steps[2].GetProperty("args")[0][0].GetString());
        Assert.Equal("animate", steps[2].GetProperty("method").GetString());
    }

    [Fact]
    public void Kept_frames_are_evenly_spaced_and_include_the_first_and_last()
    {
        Assert.Equal([0, 3, 5, 8, 10], TrajectoryCharts.KeptFrames(11, 5));   // 2.5 and 7.5 round up
        Assert.Equal([0, 1, 2], TrajectoryCharts.KeptFrames(3, 60));
    }

    [Fact]
    public void Frames_from_point_sets_use_the_given_labels_and_cap_the_particles()
    {
        var frames = Enumerable.Range(0, 3).Select(t => new PointSet([t, t, t], [0.0, 1, 2])).ToList();
        var anim = TrajectoryCharts.Animation(frames, new TrajectoryAnimationOptions { MaxPoints = 2, FrameLabels = ["σ=2", "σ=1", "σ=0.5"] });
        Assert.Equal("frame 1: σ=1", anim.FrameNames[1]);
        var f1 = JsonDocument.Parse(anim.FramesJson).RootElement[1];
        Assert.Equal(2, f1.GetProperty("data")[0].GetProperty("x").GetArrayLength());
    }

    [Fact]
    public void A_trajectory_of_the_wrong_shape_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => TrajectoryCharts.Animation(torch.zeros(4, 3)));
        Assert.Equal("trajectory", e.ParamName);
    }
}
