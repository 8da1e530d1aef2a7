"""bench/cost.py: its arithmetic on a sample worked by hand, its refusals, and
(given a vox binary) a real measurement of one voice.
Usage: cost_test.py [VOX_BINARY]"""
import json
import pathlib
import subprocess
import sys
import tempfile
import unittest

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cost  # noqa: E402

VOX = None
MEASURED = {"engines": {"x": {"audio_s_per_core_s": 100, "characters_per_audio_s": 15,
                              "mp3_bytes_per_audio_s": 4000}}}
PRICES = {"prices_as_of": "test", "instances": {"box": {"vcpus": 4, "usd_per_hour": 0.36}},
          "storage_usd_per_gb_month": 0.02, "egress_usd_per_gb": 0.1,
          "load_balancer_usd_per_hour": 0.02, "load_balancer_lcu_usd_per_hour": 0.01,
          "monitoring_usd_per_month": 20.6}
ASSUMPTIONS = {"monthly_characters": 54e6, "autoscaling_buffer": 0.5, "scaling_efficiency": 0.5,
               "storage_retention_months": 2, "downloads_per_job": 3, "lb_lcu_average": 1,
               "min_instances": 2}


class PriceTest(unittest.TestCase):
    def test_worked_example(self):
        row = cost.price(MEASURED, PRICES, ASSUMPTIONS)["rows"][0]
        # 100 audio s per core-s x 4 vCPUs x 0.5 efficiency x (1 - 0.5 buffer) = 100 audio h / h.
        self.assertAlmostEqual(row["audio_hours_per_instance_hour"], 100)
        h = row["usd_per_audio_hour"]
        self.assertAlmostEqual(h["compute"], 0.36 / 100)
        # 4000 B/s x 3600 s = 0.0144 GB per audio hour; kept 2 months, downloaded 3 times.
        self.assertAlmostEqual(h["storage"], 0.0144 * 0.02 * 2)
        self.assertAlmostEqual(h["egress"], 0.0144 * 0.1 * 3)
        # (0.02 + 0.01) x 730 + 20.6 = 42.5 $/month over 54e6 / 15 / 3600 = 1000 audio hours.
        self.assertAlmostEqual(h["load_balancer_and_monitoring"], 0.0425)
        self.assertAlmostEqual(h["total"], 0.0036 + 0.000576 + 0.00432 + 0.0425)
        # An audio hour holds 15 x 3600 = 54,000 characters.
        m = row["usd_per_million_characters"]
        self.assertAlmostEqual(m["compute"], 0.0036 * 1e6 / 54000, places=6)
        self.assertAlmostEqual(m["total"], 0.050996 * 1e6 / 54000, places=5)
        self.assertAlmostEqual(row["instances_for_monthly_volume"], 1000 / 730 / 100, places=3)
        # 0.0137 instances needed, but the floor of 2 runs all month: 2 x 0.36 x 730 = 525.6 $,
        # plus 42.5 fixed, plus storage and egress of 1000 audio hours; over 54 M characters.
        month = 525.6 + 42.5 + (0.000576 + 0.00432) * 1000
        self.assertAlmostEqual(row["usd_per_month_at_volume"], month, places=2)
        self.assertAlmostEqual(row["usd_per_million_characters_at_volume"], month / 54, places=3)

    def test_neural_rows_from_the_neural_benchmark(self):
        neural = {"threads": 2, "models": [{"model": "medium", "vox": {"rtf": 0.125}}]}
        out = cost.add_neural({"engines": {"x": MEASURED["engines"]["x"]}}, neural)
        # RTF 0.125 on 2 threads: 8 audio s per wall s on 2 cores, 4 per core.
        self.assertEqual(out["engines"]["piper-medium"]["audio_s_per_core_s"], 4)
        self.assertEqual(out["engines"]["piper-medium"]["characters_per_audio_s"], 15)

    def test_full_buffer_is_refused(self):
        with self.assertRaises(ValueError):
            cost.price(MEASURED, PRICES, dict(ASSUMPTIONS, autoscaling_buffer=1))

    def test_shipped_inputs_price_every_instance(self):
        prices = json.loads((HERE / "cost_prices.json").read_text())
        for needed in ("g4dn.xlarge", "g5.xlarge", "c7i.xlarge"):
            self.assertIn(needed, prices["instances"])
        self.assertTrue(prices["prices_as_of"])
        with tempfile.NamedTemporaryFile("w", suffix=".json") as f:
            json.dump(MEASURED, f)
            f.flush()
            out = subprocess.run([sys.executable, str(HERE / "cost.py"), "price", f.name,
                                  "--markdown"], capture_output=True, text=True, check=True).stdout
        self.assertEqual(len([l for l in out.splitlines() if l.startswith("| x |")]),
                         len(prices["instances"]))


@unittest.skipUnless(VOX or len(sys.argv) > 1, "no vox binary given")
class MeasureTest(unittest.TestCase):
    def test_one_voice(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as text:
            text.write("The quick brown fox jumps over the lazy dog. " * 4)
            text.flush()
            got = cost.measure(VOX, ["flite-slt"], text.name, 1)["engines"]["flite-slt"]
        self.assertGreater(got["audio_s"], 5)  # 36 words
        self.assertGreater(got["audio_s_per_core_s"], 1)  # flite is far faster than real time
        self.assertTrue(8 < got["characters_per_audio_s"] < 30, got)
        self.assertTrue(1000 < got["mp3_bytes_per_audio_s"] < 40000, got)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        VOX = sys.argv.pop(1)
    unittest.main()
