"""Input parsing for the check-in form; the rules about values live in `hoshin.okrs.services`."""

from django import forms


class CheckInForm(forms.Form):
    """Parse the raw fields of a check-in. Ranges and required fields are checked by `record_check_in`."""

    value = forms.FloatField(required=False, localize=True)
    done = forms.NullBooleanField(required=False)
    measured_on = forms.DateField(required=False)
    confidence = forms.IntegerField(required=False)
    comment = forms.CharField(required=False, max_length=4000)
