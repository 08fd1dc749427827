from django import forms
from django.utils import timezone


class DateBilanForm(forms.Form):
    date = forms.DateField(label="Date du bilan", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           help_text="Les évaluations jusqu'à cette date fondent les niveaux suggérés.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
