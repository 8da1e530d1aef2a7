"""How the offline deploy checks report: the real files first, then the
negative controls (broken copies that must each be rejected), so a check that
silently accepts everything fails too. Ends with the plain 'N passed, N failed'."""
import copy


class Report:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, errors):
        """Records one check; `errors` empty means it passed."""
        print(f"{'ok  ' if not errors else 'FAIL'} {name}")
        for e in errors:
            print(f"     {e}")
        self.passed += not errors
        self.failed += bool(errors)

    def controls(self, prefix, good, mutations, check):
        """Each mutation of a copy of `good` must make `check(copy)` return errors."""
        for what, mutate in mutations.items():
            broken = copy.deepcopy(good)
            mutate(broken)
            self.check(f"{prefix}rejects: {what}",
                       [] if check(broken) else [f"a broken copy passed: {what}"])

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
