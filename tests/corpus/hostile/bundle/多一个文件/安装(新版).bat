@echo off
echo ÐÂ°æ
